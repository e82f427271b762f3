#include "streaming/room_relay.hpp"

#include <gio/gio.h>

#include <boost/asio/post.hpp>
#include <initializer_list>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "streaming/audio_segmenter.hpp"
#include "streaming/master_playlist.hpp"
#include "streaming/publisher_gate.hpp"
#include "streaming/timestamp_guard.hpp"
#include "streaming/track_language.hpp"
#include "streaming/video_variant.hpp"

namespace plenary::streaming {

const char* to_string(RelayState state) {
  switch (state) {
    case RelayState::idle: return "idle";
    case RelayState::live: return "live";
    case RelayState::error: return "error";
    case RelayState::stopped: return "stopped";
  }
  return "unknown";
}

// What the GStreamer threads (tsdemux's streaming thread, srtsrc's listener
// and libsrt's handshake thread) read. Immutable once the pipeline runs,
// except the gate (thread-safe itself) and the counters (atomic).
struct RoomRelay::Shared {
  std::filesystem::path output_dir;
  unsigned generation = 0;  // which pipeline of this relay: part of every segment file name
  guint64 segment_ns = 0;
  bool audio_only_variant = false;
  int audio_only_kbps = 24;
  int low_video_height = 0;  // 0: no lower-resolution video variant
  int low_video_kbps = 600;
  GstBin* bin = nullptr;  // borrowed: the pipeline outlives every callback

  std::shared_ptr<PublisherGate> gate;  // the relay's: outlives every pipeline

  std::atomic<int> video_count{0};
  std::atomic<int> audio_count{0};
  std::atomic<int> other_count{0};
};

namespace {

constexpr std::string_view kSegmentPrefix = "seg_";
constexpr const char* kTrackMessage = "plenary-track";
constexpr const char* kCallerMessage = "plenary-caller";
constexpr const char* kFormatMessage = "plenary-format";

// Peer-supplied text goes into logs: keep it short and printable.
std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::string peer_string(GSocketAddress* address) {
  if (address == nullptr || !G_IS_INET_SOCKET_ADDRESS(address)) return "?";
  auto* inet = G_INET_SOCKET_ADDRESS(address);
  std::string host = take_string(g_inet_address_to_string(g_inet_socket_address_get_address(inet)));
  return host + ":" + std::to_string(g_inet_socket_address_get_port(inet));
}

void post_application(GstElement* from, GstStructure* owned_structure) {
  gst_element_post_message(from, gst_message_new_application(GST_OBJECT(from), owned_structure));
}

// Turns a failure inside a GStreamer callback into an ordinary pipeline error,
// so it reaches the strand through the bus like any other.
void post_error(GstElement* from, const std::string& text) {
  GlibError error{g_error_new_literal(GST_CORE_ERROR, GST_CORE_ERROR_FAILED, text.c_str())};
  gst_element_post_message(from, gst_message_new_error(GST_OBJECT(from), error.get(), text.c_str()));
}

// splitmuxsink's location is a printf pattern: a '%' in the folder must not
// count. Each pipeline of a relay numbers its files from 0 again, so the
// generation keeps a rebuilt pipeline from overwriting segments still listed.
std::string location_pattern(const std::filesystem::path& dir, unsigned generation) {
  std::string escaped;
  for (char c : dir.string()) {
    escaped += c;
    if (c == '%') escaped += '%';
  }
  return escaped + "/g" + std::to_string(generation) + "-seg%05d.ts";
}

// Adds the elements to the bin, links them in order, and brings them to the
// bin's state from the sink end, so no element pushes into one not yet running.
void add_chain(GstBin* bin, std::initializer_list<const ElementHandle*> chain) {
  const ElementHandle* previous = nullptr;
  for (const ElementHandle* element : chain) {
    if (!gst_bin_add(bin, element->get())) throw std::runtime_error("gst_bin_add failed");
    if (previous && !gst_element_link(previous->get(), element->get())) {
      throw std::runtime_error(std::string{"cannot link "} + GST_OBJECT_NAME(previous->get()) + " to " +
                               GST_OBJECT_NAME(element->get()));
    }
    previous = element;
  }
  for (auto it = std::rbegin(chain); it != std::rend(chain); ++it) gst_element_sync_state_with_parent((*it)->get());
}

// --- video segments closed as soon as they are complete ----------------------
//
// splitmuxsink (1.22) judges a GOP only once the next keyframe has arrived,
// and ends a file only before a GOP it judges; with max-size-time alone the
// file holding GOP n closes when keyframe n+2 arrives, a whole GOP late. So a
// video segmenter has no size limit and is told where to cut: when a keyframe
// that is to start a segment reaches it, a split-at-running-time at that
// keyframe; and the frame after every keyframe is shown to splitmuxsink as a
// keyframe too, so the keyframe is a GOP of its own, judged (and the file
// before it closed) one frame later. That frame carries kShownAsKeyframe and
// gets its delta-unit flag back before the muxer, so the muxer marks random
// access as before; no cut falls on it (only requested times cut).

constexpr const char* kShownAsKeyframe = "PlenaryShownAsKeyframe";

void register_shown_as_keyframe_meta() {
  // Registering a name twice fails; a function-local static runs once.
  static const GstMetaInfo* const info = [] {
    static const gchar* tags[] = {nullptr};
    return gst_meta_register_custom(kShownAsKeyframe, tags, nullptr, nullptr, nullptr);
  }();
  if (info == nullptr) throw std::runtime_error("cannot register the custom buffer meta");
}

// Only splitmuxsink's input streaming thread touches it.
struct VideoCutter {
  GstElement* splitmux = nullptr;  // borrowed: owns the pad the probe is on
  gint64 segment_ns = 0;
  GstSegment segment{};
  gint64 segment_start = -1;  // running time of the keyframe that opened the current segment
  gint64 last_keyframe = -1;
  gint64 follow = -1;  // running time of the keyframe whose next frame is to be shown as one
};

bool video_running_time(const GstSegment& segment, GstBuffer* buffer, gint64& out) {
  // As splitmuxsink does: PTS, else DTS.
  const GstClockTime ts = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : GST_BUFFER_DTS(buffer);
  return signed_running_time(segment, ts, out);
}

// A keyframe at `running_time`: cut before it when the next GOP, if as long as
// the last one, would make the segment longer than segment_ns. For regular
// GOPs that is exactly where splitmuxsink's own max-size-time cut (a segment
// is as many whole GOPs as fit), only without waiting for the next GOP.
void on_video_keyframe(VideoCutter& cutter, gint64 running_time) {
  cutter.follow = running_time;
  if (cutter.segment_start < 0) {
    // The first keyframe opens the first segment. A split asked for here
    // would only count after splitmuxsink has written something, i.e. at
    // the next GOP it judges: the frame shown as a keyframe.
    cutter.segment_start = running_time;
    cutter.last_keyframe = running_time;
    return;
  }
  const gint64 gop = running_time - cutter.last_keyframe;
  cutter.last_keyframe = running_time;
  if (running_time - cutter.segment_start + gop <= cutter.segment_ns) return;
  g_signal_emit_by_name(cutter.splitmux, "split-at-running-time", static_cast<guint64>(running_time));
  cutter.segment_start = running_time;
}

GstPadProbeReturn on_video_segmenter_input(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto& cutter = *static_cast<VideoCutter*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH)) {
    follow_segment(GST_PAD_PROBE_INFO_EVENT(info), cutter.segment);
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr) return GST_PAD_PROBE_OK;
  gint64 running_time = 0;
  const bool timed = video_running_time(cutter.segment, buffer, running_time);
  if (!GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) {
    cutter.follow = -1;
    // Without a time splitmuxsink's GOP start cannot be matched: not a cut.
    if (timed) on_video_keyframe(cutter, running_time);
    return GST_PAD_PROBE_OK;
  }
  const gint64 keyframe = std::exchange(cutter.follow, -1);
  // A frame shown before the keyframe (open-GOP B-frame) would pull the
  // keyframe's GOP start back before the requested time; then the cut waits
  // for the next GOP, as without this.
  if (keyframe < 0 || !timed || running_time <= keyframe) return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable(buffer);
  GST_BUFFER_FLAG_UNSET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  gst_buffer_add_custom_meta(buffer, kShownAsKeyframe);
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  return GST_PAD_PROBE_OK;
}

// The muxer's input: the frame shown as a keyframe is a delta unit again.
GstPadProbeReturn on_video_mux_input(GstPad*, GstPadProbeInfo* info, gpointer) {
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr || gst_buffer_get_custom_meta(buffer, kShownAsKeyframe) == nullptr) return GST_PAD_PROBE_OK;
  buffer = gst_buffer_make_writable(buffer);
  GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (GstCustomMeta* meta = gst_buffer_get_custom_meta(buffer, kShownAsKeyframe)) {
    gst_buffer_remove_meta(buffer, &meta->meta);
  }
  GST_PAD_PROBE_INFO_DATA(info) = buffer;
  return GST_PAD_PROBE_OK;
}

// splitmuxsink's request pad and the muxer's pads appear when the branch is
// linked: the probes go on them then (the linking thread).
void on_video_splitmux_pad_added(GstElement* splitmux, GstPad* pad, gpointer data) {
  if (!GST_PAD_IS_SINK(pad)) return;
  auto* cutter = new VideoCutter{splitmux, *static_cast<const gint64*>(data)};
  gst_segment_init(&cutter->segment, GST_FORMAT_UNDEFINED);
  gst_pad_add_probe(pad,
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                                 GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                    on_video_segmenter_input, cutter, [](gpointer p) { delete static_cast<VideoCutter*>(p); });
}

void on_video_mux_pad_added(GstElement*, GstPad* pad, gpointer) {
  if (GST_PAD_IS_SINK(pad)) gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_video_mux_input, nullptr, nullptr);
}

enum class SegmenterKind {
  video,              // cut at keyframes as soon as a segment is complete (above)
  audio_low_overhead  // splitmuxsink's own cut (the first frame that would pass segment_ns),
                      // PAT/PMT once a second instead of ten times: at 24 kbit/s the
                      // tables would otherwise cost more than the sound
};

// queue ! splitmuxsink(mpegtsmux) writing <output>/<rendition>/seg%05d.ts.
std::pair<ElementHandle, ElementHandle> make_segmenter(const RoomRelay::Shared& shared, const std::string& rendition,
                                                       SegmenterKind kind) {
  const auto dir = shared.output_dir / rendition;
  std::filesystem::create_directories(dir);
  auto queue = make_element("queue", "q_" + rendition);
  auto mux = make_element("mpegtsmux", "mux_" + rendition);
  if (kind == SegmenterKind::audio_low_overhead) {
    g_object_set(mux.get(), "pat-interval", 90000U, "pmt-interval", 90000U, nullptr);
  }
  auto sink = make_element("splitmuxsink", std::string{kSegmentPrefix} + rendition);
  const std::string location = location_pattern(dir, shared.generation);
  const bool video = kind == SegmenterKind::video;
  g_object_set(sink.get(), "muxer", mux.get(), "location", location.c_str(), "max-size-time",
               video ? guint64{0} : shared.segment_ns, "send-keyframe-requests", FALSE, nullptr);
  if (video) {
    register_shown_as_keyframe_meta();
    // The segment length goes with the handler, freed with it.
    g_signal_connect_data(sink.get(), "pad-added", G_CALLBACK(on_video_splitmux_pad_added),
                          new gint64{static_cast<gint64>(shared.segment_ns)},
                          [](gpointer p, GClosure*) { delete static_cast<gint64*>(p); }, static_cast<GConnectFlags>(0));
    g_signal_connect(mux.get(), "pad-added", G_CALLBACK(on_video_mux_pad_added), nullptr);
  }
  return {std::move(queue), std::move(sink)};
}

// capsfilter (ADTS) ! fakesink, the fakesink's input cut into
// <output>/<rendition>/g{generation}-seg%05d.ts by attach_audio_segmenter on
// the thread that feeds it: no thread of its own (see audio_segmenter.hpp).
std::pair<ElementHandle, ElementHandle> make_audio_segmenter(const RoomRelay::Shared& shared,
                                                             const std::string& rendition) {
  const auto dir = shared.output_dir / rendition;
  std::filesystem::create_directories(dir);
  auto adts = make_element("capsfilter", "adts_" + rendition);
  CapsHandle caps{adopt, gst_caps_from_string("audio/mpeg,stream-format=adts")};
  g_object_set(adts.get(), "caps", caps.get(), nullptr);
  auto sink = make_element("fakesink", std::string{kSegmentPrefix} + rendition);
  g_object_set(sink.get(), "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, nullptr);
  attach_audio_segmenter(sink.get(), {dir, shared.generation, static_cast<gint64>(shared.segment_ns)});
  return {std::move(adts), std::move(sink)};
}

void link_from_demux(GstPad* demux_pad, const ElementHandle& first) {
  PadHandle sink_pad{adopt, gst_element_get_static_pad(first.get(), "sink")};
  if (gst_pad_link(demux_pad, sink_pad.get()) != GST_PAD_LINK_OK) {
    throw std::runtime_error(std::string{"cannot link demuxer pad "} + GST_PAD_NAME(demux_pad));
  }
}

// --- tracks and their language -------------------------------------------

// Only the pad's streaming thread touches it (pad-added runs there too).
struct TrackProbe {
  std::string rendition;
  std::string codec;
  int audio_index = -1;       // position among the audio tracks (PID order); -1 for video
  std::string language;       // from the stream's descriptor; the last one posted
  bool data_started = false;  // a buffer has passed: tsdemux sends the descriptor's tag before data
  std::string variant_of;     // the re-encoded variant's source rendition
};

// Posted on the demuxer: the strand reads it as a kTrackMessage.
void post_track(GstPad* pad, const TrackProbe& track) {
  ElementHandle demux{adopt, gst_pad_get_parent_element(pad)};
  if (!demux) return;
  const gboolean descriptor_absent = track.data_started && track.language.empty();
  post_application(demux.get(), gst_structure_new(kTrackMessage, "rendition", G_TYPE_STRING, track.rendition.c_str(),
                                                  "codec", G_TYPE_STRING, track.codec.c_str(), "language",
                                                  G_TYPE_STRING, track.language.c_str(), "audio-index", G_TYPE_INT,
                                                  track.audio_index, "descriptor-absent", G_TYPE_BOOLEAN,
                                                  descriptor_absent, "variant-of", G_TYPE_STRING,
                                                  track.variant_of.c_str(), nullptr));
}

// Reads the language from a tag event; posts when it is new.
void note_tags(GstPad* pad, GstEvent* event, TrackProbe& track) {
  GstTagList* tags = nullptr;  // borrowed from the event
  gst_event_parse_tag(event, &tags);
  gchar* raw = nullptr;
  if (tags == nullptr || !gst_tag_list_get_string(tags, GST_TAG_LANGUAGE_CODE, &raw)) return;
  std::string language = printable(take_string(raw), 16);
  if (language == track.language) return;
  track.language = std::move(language);
  post_track(pad, track);
}

GstPadProbeReturn on_demux_pad_data(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto& track = *static_cast<TrackProbe*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    if (event != nullptr && GST_EVENT_TYPE(event) == GST_EVENT_TAG) note_tags(pad, event, track);
    return GST_PAD_PROBE_OK;
  }
  // The first data of a track that had no language tag: the stream has no
  // descriptor for it, and the strand may fall back to the configured order.
  if (!track.data_started) {
    track.data_started = true;
    if (track.language.empty() && track.audio_index >= 0) post_track(pad, track);
  }
  return GST_PAD_PROBE_OK;
}

void watch_track(GstPad* pad, std::string rendition, std::string codec, int audio_index) {
  auto* track = new TrackProbe{std::move(rendition), std::move(codec), audio_index, {}, false, {}};
  // The tag event may already sit on the pad (sticky) or come later: read one, probe for the other.
  GstHandle<GstEvent> sticky{adopt, gst_pad_get_sticky_event(pad, GST_EVENT_TAG, 0)};
  post_track(pad, *track);
  if (sticky) note_tags(pad, sticky.get(), *track);
  gst_pad_add_probe(pad,
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_BUFFER |
                                                 GST_PAD_PROBE_TYPE_BUFFER_LIST),
                    on_demux_pad_data, track, [](gpointer p) { delete static_cast<TrackProbe*>(p); });
}

// --- stream format, for the master playlist ----------------------------------

struct FormatProbe {
  std::string rendition;
  std::string last_posted;  // only the pad's streaming thread touches it
};

// RFC 6381 codecs, size and rate from a parser's output caps.
void note_format(GstPad* pad, GstCaps* caps, FormatProbe& probe) {
  const GstStructure* s = caps && !gst_caps_is_empty(caps) ? gst_caps_get_structure(caps, 0) : nullptr;
  if (s == nullptr) return;
  std::string codecs;
  gint width = 0;
  gint height = 0;
  gint rate_n = 0;
  gint rate_d = 1;
  if (gst_structure_has_name(s, "video/x-h264")) {
    const gchar* profile = gst_structure_get_string(s, "profile");
    const gchar* level = gst_structure_get_string(s, "level");
    codecs = h264_codecs(profile ? profile : "", level ? level : "");
    gst_structure_get_int(s, "width", &width);
    gst_structure_get_int(s, "height", &height);
    gst_structure_get_fraction(s, "framerate", &rate_n, &rate_d);
  } else if (gst_structure_has_name(s, "audio/mpeg")) {
    const std::string_view profile = gst_structure_get_string(s, "profile") ? gst_structure_get_string(s, "profile") : "lc";
    codecs = profile == "he-aac-v2" ? "mp4a.40.29" : profile == "he-aac" ? "mp4a.40.5" : "mp4a.40.2";
  } else {
    return;
  }
  const double frame_rate = rate_d > 0 ? static_cast<double>(rate_n) / rate_d : 0.0;
  const std::string key = codecs + " " + std::to_string(width) + "x" + std::to_string(height) + "@" +
                          std::to_string(frame_rate);
  if (key == probe.last_posted) return;
  probe.last_posted = key;
  ElementHandle parent{adopt, gst_pad_get_parent_element(pad)};
  if (!parent) return;
  post_application(parent.get(), gst_structure_new(kFormatMessage, "rendition", G_TYPE_STRING, probe.rendition.c_str(),
                                                   "codecs", G_TYPE_STRING, codecs.c_str(), "width", G_TYPE_INT, width,
                                                   "height", G_TYPE_INT, height, "frame-rate", G_TYPE_DOUBLE,
                                                   frame_rate, nullptr));
}

GstPadProbeReturn on_parser_caps(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (event != nullptr && GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
    GstCaps* caps = nullptr;  // borrowed from the event
    gst_event_parse_caps(event, &caps);
    note_format(pad, caps, *static_cast<FormatProbe*>(data));
  }
  return GST_PAD_PROBE_OK;
}

void watch_format(const ElementHandle& parser, std::string rendition) {
  PadHandle src{adopt, gst_element_get_static_pad(parser.get(), "src")};
  gst_pad_add_probe(src.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_parser_caps,
                    new FormatProbe{std::move(rendition), {}}, [](gpointer p) { delete static_cast<FormatProbe*>(p); });
}

// --- GStreamer-thread callbacks ----------------------------------------------

// tee ! queue ! avdec_h264 ! videoscale ! videoconvert ! I420 at the
// variant's size ! x264enc ! h264parse ! splitmuxsink, keyframes where the
// source's are. Its own streaming thread (the queue), so a slow encoder
// delays only its own segments until the queue is full.
void build_low_video_branch(RoomRelay::Shared& shared, GstPad* demux_pad, GstElement* tee) {
  const std::string rendition = low_video_rendition(shared.low_video_height);
  auto [queue, sink] = make_segmenter(shared, rendition, SegmenterKind::video);
  // Room for a few seconds of the source: the encoder's pace varies with the picture.
  g_object_set(queue.get(), "max-size-buffers", 0U, "max-size-bytes", 0U, "max-size-time",
               static_cast<guint64>(3 * GST_SECOND), nullptr);
  auto decode = make_element("avdec_h264", "decode_" + rendition);
  auto scale = make_element("videoscale", "scale_" + rendition);
  auto convert = make_element("videoconvert", "convert_" + rendition);
  auto raw_caps = make_element("capsfilter", "size_" + rendition);
  scale_to_height(scale.get(), raw_caps.get(), shared.low_video_height);
  auto encode = make_element("x264enc", "encode_" + rendition);
  gst_util_set_object_arg(G_OBJECT(encode.get()), "tune", "zerolatency");
  gst_util_set_object_arg(G_OBJECT(encode.get()), "speed-preset", "veryfast");
  // Keyframes only where follow_source_keyframes asks for them: no interval
  // of its own, no scene-cut detection.
  g_object_set(encode.get(), "bitrate", static_cast<guint>(shared.low_video_kbps), "key-int-max", G_MAXINT,
               "option-string", "scenecut=0", nullptr);
  auto coded_caps = make_element("capsfilter", "profile_" + rendition);
  CapsHandle main_profile{adopt, gst_caps_from_string("video/x-h264,profile=main")};
  g_object_set(coded_caps.get(), "caps", main_profile.get(), nullptr);
  auto parse = make_element("h264parse", "parse_" + rendition);
  g_object_set(parse.get(), "config-interval", -1, nullptr);
  follow_source_keyframes(queue.get(), raw_caps.get());
  guard_segmenter_input(parse.get(), rendition, true);
  watch_format(parse, rendition);
  add_chain(shared.bin, {&queue, &decode, &scale, &convert, &raw_caps, &encode, &coded_caps, &parse, &sink});
  if (!gst_element_link(tee, queue.get())) throw std::runtime_error("cannot link tee to " + rendition);
  // Reported like a track of the stream, so the master playlist lists it once its format is known.
  TrackProbe variant{rendition, "video/x-h264", -1, {}, false, "video"};
  post_track(demux_pad, variant);
}

void build_video_branch(RoomRelay::Shared& shared, GstPad* pad, const std::string& codec) {
  const int index = shared.video_count++;
  const std::string rendition = index == 0 ? "video" : "video_" + std::to_string(index);
  auto [queue, sink] = make_segmenter(shared, rendition, SegmenterKind::video);
  auto parse = make_element("h264parse", "parse_" + rendition);
  // Every segment must start decodable on its own: repeat SPS/PPS before each
  // IDR even if the encoder sends them only once.
  g_object_set(parse.get(), "config-interval", -1, nullptr);
  guard_segmenter_input(parse.get(), rendition, true);
  watch_format(parse, rendition);
  if (index != 0 || shared.low_video_height == 0) {
    add_chain(shared.bin, {&queue, &parse, &sink});
    watch_track(pad, rendition, codec, -1);
    link_from_demux(pad, queue);
    return;
  }
  // After the guard, so the variant starts from the same keyframe.
  auto in_queue = make_element("queue", "qin_" + rendition);
  auto tee = make_element("tee", "tee_" + rendition);
  add_chain(shared.bin, {&in_queue, &parse, &tee});
  add_chain(shared.bin, {&queue, &sink});
  if (!gst_element_link(tee.get(), queue.get())) throw std::runtime_error("cannot link tee of " + rendition);
  watch_track(pad, rendition, codec, -1);
  build_low_video_branch(shared, pad, tee.get());
  link_from_demux(pad, in_queue);
}

void build_audio_branch(RoomRelay::Shared& shared, GstPad* pad, const std::string& codec) {
  const int audio_index = shared.audio_count++;
  const std::string rendition = "audio_" + std::to_string(audio_index);
  auto [adts, sink] = make_audio_segmenter(shared, rendition);
  auto parse = make_element("aacparse", "parse_" + rendition);
  // Before the tee, so the re-encoded variant starts from the same frames.
  guard_segmenter_input(parse.get(), rendition, false);
  watch_format(parse, rendition);
  if (!shared.audio_only_variant) {
    // All on tsdemux's thread: parsing and writing a frame cost less than
    // handing it to another thread.
    add_chain(shared.bin, {&parse, &adts, &sink});
    watch_track(pad, rendition, codec, audio_index);
    link_from_demux(pad, parse);
    return;
  }
  auto tee = make_element("tee", "tee_" + rendition);
  auto in_queue = make_element("queue", "qin_" + rendition);
  add_chain(shared.bin, {&in_queue, &parse, &tee});
  add_chain(shared.bin, {&adts, &sink});
  auto [low_queue, low_sink] = make_segmenter(shared, rendition + "_low", SegmenterKind::audio_low_overhead);
  auto decode = make_element("avdec_aac");
  auto convert = make_element("audioconvert");
  auto resample = make_element("audioresample");
  auto caps_filter = make_element("capsfilter");
  CapsHandle caps{adopt, gst_caps_from_string("audio/x-raw,rate=24000,channels=1")};
  g_object_set(caps_filter.get(), "caps", caps.get(), nullptr);
  auto encode = make_element("avenc_aac");
  g_object_set(encode.get(), "bitrate", shared.audio_only_kbps * 1000, nullptr);
  auto reparse = make_element("aacparse");
  guard_segmenter_input(reparse.get(), rendition + "_low", false);
  add_chain(shared.bin, {&low_queue, &decode, &convert, &resample, &caps_filter, &encode, &reparse, &low_sink});
  if (!gst_element_link(tee.get(), adts.get()) || !gst_element_link(tee.get(), low_queue.get())) {
    throw std::runtime_error("cannot link tee of " + rendition);
  }
  watch_track(pad, rendition, codec, audio_index);
  link_from_demux(pad, in_queue);
}

// Streams we do not relay (private data, subtitles, other codecs) still need a
// sink: tsdemux stops when all its pads report not-linked.
void build_discard_branch(RoomRelay::Shared& shared, GstPad* pad, const std::string& codec) {
  const std::string name = "discard_" + std::to_string(shared.other_count++);
  auto sink = make_element("fakesink", name);
  g_object_set(sink.get(), "sync", FALSE, "async", FALSE, nullptr);
  add_chain(shared.bin, {&sink});
  link_from_demux(pad, sink);
  ElementHandle demux{adopt, gst_pad_get_parent_element(pad)};
  if (demux) {
    post_application(demux.get(), gst_structure_new(kTrackMessage, "rendition", G_TYPE_STRING, "", "codec",
                                                    G_TYPE_STRING, codec.c_str(), "language", G_TYPE_STRING, "",
                                                    nullptr));
  }
}

// tsdemux's streaming thread, once per elementary stream.
void on_pad_added(GstElement* demux, GstPad* pad, gpointer data) {
  auto& shared = *static_cast<RoomRelay::Shared*>(data);
  try {
    CapsHandle caps{adopt, gst_pad_get_current_caps(pad)};
    if (!caps) caps = CapsHandle{adopt, gst_pad_query_caps(pad, nullptr)};
    const GstStructure* structure = caps && !gst_caps_is_empty(caps.get()) ? gst_caps_get_structure(caps.get(), 0) : nullptr;
    const std::string codec = structure ? gst_structure_get_name(structure) : "";
    if (codec == "video/x-h264") {
      build_video_branch(shared, pad, codec);
    } else if (codec == "audio/mpeg") {
      gint version = 0;
      gst_structure_get_int(structure, "mpegversion", &version);
      if (version == 2 || version == 4) {
        build_audio_branch(shared, pad, codec);
      } else {
        build_discard_branch(shared, pad, codec + ", mpegversion=" + std::to_string(version));
      }
    } else {
      build_discard_branch(shared, pad, codec);
    }
  } catch (const std::exception& e) {
    post_error(demux, std::string{"relay branch for "} + GST_PAD_NAME(pad) + ": " + e.what());
  }
}

// libsrt's thread, during the handshake of each publisher. Returning FALSE
// makes libsrt refuse the connection before any media arrives.
gboolean on_caller_connecting(GstElement* source, GSocketAddress* address, const gchar* stream_id, gpointer data) {
  auto& shared = *static_cast<RoomRelay::Shared*>(data);
  const std::string_view offered = stream_id ? stream_id : "";
  if (shared.gate->check_handshake(peer_string(address), offered)) return TRUE;
  post_application(source, gst_structure_new(kCallerMessage, "kind", G_TYPE_STRING, "rejected", "reason", G_TYPE_STRING,
                                             "wrong-stream-id", "peer", G_TYPE_STRING, peer_string(address).c_str(),
                                             "stream-id", G_TYPE_STRING, printable(offered, 64).c_str(), nullptr));
  return FALSE;
}

void post_caller(GstElement* source, const char* kind, const char* reason, GSocketAddress* address) {
  post_application(source, gst_structure_new(kCallerMessage, "kind", G_TYPE_STRING, kind, "reason", G_TYPE_STRING,
                                             reason, "peer", G_TYPE_STRING, peer_string(address).c_str(), "stream-id",
                                             G_TYPE_STRING, "", nullptr));
}

// srtsrc's listener thread, once the connection is accepted (1.22 passes 0,
// not the socket). A connection whose handshake was never checked slipped in
// before srtsrc installed the check: refused here, and the strand drops it.
void on_caller_added(GstElement* source, gint, GSocketAddress* address, gpointer data) {
  auto& shared = *static_cast<RoomRelay::Shared*>(data);
  if (shared.gate->admit(peer_string(address)) == PublisherGate::Admission::admitted) {
    post_caller(source, "connected", "", address);
  } else {
    post_caller(source, "rejected", "unchecked", address);
  }
}

void on_caller_removed(GstElement* source, gint, GSocketAddress* address, gpointer data) {
  static_cast<RoomRelay::Shared*>(data)->gate->disconnected();
  post_caller(source, "disconnected", "", address);
}

// srtsrc's streaming thread: media reaches tsdemux only from an admitted
// publisher. srtsrc may push before caller-added has run; those first
// buffers are dropped too (tsdemux resyncs on the next PAT/PMT).
GstPadProbeReturn on_source_buffer(GstPad*, GstPadProbeInfo*, gpointer data) {
  return static_cast<RoomRelay::Shared*>(data)->gate->admitted() ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

std::string structure_string(const GstStructure* structure, const char* field) {
  const gchar* value = gst_structure_get_string(structure, field);
  return value ? value : "";
}

}  // namespace

// --- RoomRelay (strand side) -------------------------------------------------

namespace {

PlaylistWriterConfig playlist_config(const RelayConfig& config) {
  PlaylistWriterConfig playlists;
  playlists.output_dir = config.output_dir;
  playlists.media.window = config.playlist_window;
  playlists.media.min_retention = config.segment_retention;
  const auto whole_seconds = std::chrono::ceil<std::chrono::seconds>(config.segment_duration);
  playlists.media.min_target_duration_s = static_cast<int>(std::max<long long>(1, whole_seconds.count()));
  playlists.floor_name = config.floor_name;
  return playlists;
}

void check_config(const RelayConfig& config) {
  if (config.port == 0) throw std::invalid_argument("relay needs an SRT port");
  if (!config.passphrase.empty() && (config.passphrase.size() < 10 || config.passphrase.size() > 79)) {
    throw std::invalid_argument("SRT passphrase must be 10 to 79 characters");
  }
  if (config.output_dir.empty()) throw std::invalid_argument("relay needs an output folder");
  if (config.segment_duration <= std::chrono::milliseconds{0}) throw std::invalid_argument("segment duration must be positive");
  if (config.restart_backoff <= std::chrono::milliseconds{0} || config.max_restart_backoff < config.restart_backoff) {
    throw std::invalid_argument("restart backoff must be positive and below its maximum");
  }
  if (config.low_video_height != 0 && (config.low_video_height < 16 || config.low_video_height > 2160)) {
    throw std::invalid_argument("low video height must be 0 (off) or 16 to 2160");
  }
  if (config.low_video_height != 0 && (config.low_video_kbps < 50 || config.low_video_kbps > 20000)) {
    throw std::invalid_argument("low video bit rate must be 50 to 20000 kbit/s");
  }
  for (const auto& language : config.track_languages) {
    if (!plausible_language_tag(language)) {
      throw std::invalid_argument("track language is not a BCP 47 tag: " + printable(language, 40));
    }
  }
  if (config.sweep_interval <= std::chrono::milliseconds{0}) {
    throw std::invalid_argument("sweep interval must be positive");
  }
}

}  // namespace

std::shared_ptr<RoomRelay> RoomRelay::create(boost::asio::any_io_executor executor, RelayConfig config,
                                             RelayCallbacks callbacks) {
  check_config(config);
  return std::shared_ptr<RoomRelay>{new RoomRelay(std::move(executor), std::move(config), std::move(callbacks))};
}

RoomRelay::RoomRelay(boost::asio::any_io_executor executor, RelayConfig config, RelayCallbacks callbacks)
    : strand_{boost::asio::make_strand(std::move(executor))},
      config_{std::move(config)},
      callbacks_{std::move(callbacks)},
      playlists_{playlist_config(config_), [this](const std::string& line) { log("relay " + config_.room + ": " + line); }},
      restart_timer_{strand_},
      sweep_timer_{strand_},
      next_backoff_{config_.restart_backoff},
      gate_{std::make_shared<PublisherGate>(config_.stream_id)} {}

RoomRelay::~RoomRelay() {
  if (bus_watch_) bus_watch_->stop();
  // Only when the owner skipped stop(): blocks while streaming threads end.
  pipeline_.reset();
}

void RoomRelay::start() {
  boost::asio::post(strand_, [self = shared_from_this()] { self->do_start(); });
}

void RoomRelay::stop(std::function<void()> done) {
  boost::asio::post(strand_, [self = shared_from_this(), done = std::move(done)]() mutable {
    self->stopping_ = true;
    self->restart_timer_.cancel();
    if (self->bus_watch_) {
      self->bus_watch_->stop();
      self->bus_watch_.reset();
    }
    self->playlists_.on_end();
    if (self->state_.load() != RelayState::stopped) self->set_state(RelayState::stopped, "stopped");
    // Even with no pipeline a teardown may still run (a rebuild was under
    // way): retiring nothing joins it first, so `done` means the port is free.
    self->reaper_.retire(std::move(self->pipeline_), std::move(self->shared_), self->strand_, std::move(done));
  });
}

void RoomRelay::set_stream_id(std::string stream_id) {
  // Not posted: a revoked key must fail from the moment the host rotates it,
  // not once the strand gets round to it (a publisher can finish its
  // handshake in between).
  const bool revoked = gate_->set_stream_id(stream_id);
  boost::asio::post(strand_, [self = shared_from_this(), stream_id = std::move(stream_id), revoked]() mutable {
    self->config_.stream_id = std::move(stream_id);
    if (revoked) self->drop_revoked_publisher();
  });
}

void RoomRelay::drop_revoked_publisher() {
  // The gate already stops its data. Called from set_stream_id and when the
  // revoked publisher's "connected" arrives, whichever runs first acts; the
  // flag is gone once the next listener starts.
  if (rebuilding_ || !gate_->revoked()) return;
  log("relay " + config_.room + " dropped its publisher: the stream id it presented was revoked");
  set_state(RelayState::idle, "publisher's stream id revoked");
  rebuild(std::chrono::milliseconds{0});
}

void RoomRelay::do_start() {
  if (started_ || stopping_) return;
  started_ = true;
  build_pipeline();
  schedule_sweep();
}

void RoomRelay::schedule_sweep() {
  sweep_timer_.expires_after(config_.sweep_interval);
  sweep_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->playlists_.sweep(std::chrono::steady_clock::now());
    // After stop() only what is still retained needs a later round.
    if (!self->stopping_ || self->playlists_.retains_files()) self->schedule_sweep();
  });
}

void RoomRelay::build_pipeline() {
  rebuilding_ = false;
  if (stopping_) return;
  try {
    auto shared = std::make_shared<Shared>();
    shared->output_dir = config_.output_dir;
    shared->generation = generation_++;
    shared->segment_ns = static_cast<guint64>(std::chrono::nanoseconds{config_.segment_duration}.count());
    shared->audio_only_variant = config_.audio_only_variant;
    shared->audio_only_kbps = config_.audio_only_kbps;
    shared->low_video_height = config_.low_video_height;
    shared->low_video_kbps = config_.low_video_kbps;
    shared->gate = gate_;
    std::filesystem::create_directories(config_.output_dir);
    segment_opened_at_.clear();
    wall_at_zero_.reset();

    Pipeline pipeline{"relay-" + config_.room};
    shared->bin = pipeline.bin();
    auto source = make_element("srtsrc", "srt_in");
    const bool ipv6 = config_.listen_address.find(':') != std::string::npos;
    const std::string uri = "srt://" + (ipv6 ? "[" + config_.listen_address + "]" : config_.listen_address) + ":" +
                            std::to_string(config_.port) + "?mode=listener";
    // "authentication" reads TRUE in gst-inspect, but 1.22's srtobject starts
    // with FALSE and then never emits caller-connecting: set it explicitly.
    g_object_set(source.get(), "uri", uri.c_str(), "latency", static_cast<gint>(config_.srt_latency.count()),
                 "authentication", TRUE,
                 // libsrt's epoll wait is not woken by a state change: a finite
                 // poll bounds how long teardown waits on a silent publisher.
                 "poll-timeout", 1000, nullptr);
    if (!config_.passphrase.empty()) g_object_set(source.get(), "passphrase", config_.passphrase.c_str(), nullptr);
    auto demux = make_element("tsdemux", "demux");
    pipeline.add(source);
    pipeline.add(demux);
    if (!gst_element_link(source.get(), demux.get())) throw std::runtime_error("cannot link srtsrc to tsdemux");

    g_signal_connect(source.get(), "caller-connecting", G_CALLBACK(on_caller_connecting), shared.get());
    g_signal_connect(source.get(), "caller-added", G_CALLBACK(on_caller_added), shared.get());
    g_signal_connect(source.get(), "caller-removed", G_CALLBACK(on_caller_removed), shared.get());
    {
      PadHandle source_pad{adopt, gst_element_get_static_pad(source.get(), "src")};
      gst_pad_add_probe(source_pad.get(), static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                        on_source_buffer, shared.get(), nullptr);
    }
    g_signal_connect(demux.get(), "pad-added", G_CALLBACK(on_pad_added), shared.get());

    bus_watch_ = BusWatch::start(strand_, pipeline.bus(), [weak = weak_from_this()](GstMessage* message) {
      if (auto self = weak.lock()) self->on_message(message);
    });
    shared_ = shared;
    pipeline_ = std::move(pipeline);
    // The previous listener is NULL by now: nothing it checked or admitted counts.
    gate_->reset();
    if (pipeline_.set_state(GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      set_state(RelayState::error, "pipeline did not start (is port " + std::to_string(config_.port) + " free?)");
      restart_after_error();
      return;
    }
    set_state(RelayState::idle, "listening on " + uri);
  } catch (const std::exception& e) {
    set_state(RelayState::error, e.what());
    restart_after_error();
  }
}

void RoomRelay::rebuild(std::chrono::milliseconds delay) {
  if (stopping_ || rebuilding_) return;
  rebuilding_ = true;
  if (bus_watch_) {
    bus_watch_->stop();
    bus_watch_.reset();
  }
  // Whatever the next pipeline writes starts after a break in timestamps.
  playlists_.on_discontinuity();
  // The new srtsrc binds the same port: build it only once the old one is NULL.
  reaper_.retire(std::move(pipeline_), std::move(shared_), strand_, [weak = weak_from_this(), delay] {
    auto self = weak.lock();
    if (!self || self->stopping_) return;
    if (delay <= std::chrono::milliseconds{0}) {
      self->build_pipeline();
      return;
    }
    self->restart_timer_.expires_after(delay);
    self->restart_timer_.async_wait([weak](const boost::system::error_code& ec) {
      auto relay = weak.lock();
      if (!ec && relay) relay->build_pipeline();
    });
  });
}

void RoomRelay::restart_after_error() {
  if (stopping_ || rebuilding_) return;
  const auto delay = next_backoff_;
  // A pipeline that keeps failing (port taken, plugin broken) must not spin.
  next_backoff_ = std::min(next_backoff_ * 2, config_.max_restart_backoff);
  log("relay " + config_.room + " restarts in " + std::to_string(delay.count()) + " ms");
  rebuild(delay);
}

void RoomRelay::on_message(GstMessage* message) {
  switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR: {
      const BusProblem problem = read_problem(message);
      const std::string detail = problem.source + ": " + problem.message;
      log("relay " + config_.room + " error: " + detail + (problem.debug.empty() ? "" : " (" + problem.debug + ")"));
      set_state(RelayState::error, detail);
      restart_after_error();
      break;
    }
    case GST_MESSAGE_WARNING: {
      const BusProblem problem = read_problem(message);
      log("relay " + config_.room + " warning: " + problem.source + ": " + problem.message);
      break;
    }
    case GST_MESSAGE_EOS:
      // srtsrc in listener mode ends the stream when its one publisher
      // leaves. The encoder usually comes back: listen again at once.
      set_state(RelayState::idle, "publisher disconnected");
      rebuild(std::chrono::milliseconds{0});
      break;
    case GST_MESSAGE_ELEMENT:
      on_element_message(message);
      break;
    case GST_MESSAGE_APPLICATION:
      on_application_message(message);
      break;
    default:
      break;
  }
}

void RoomRelay::on_element_message(GstMessage* message) {
  const GstStructure* structure = gst_message_get_structure(message);
  const std::string_view source = GST_MESSAGE_SRC_NAME(message);
  if (structure == nullptr || !source.starts_with(kSegmentPrefix)) return;
  const std::string rendition{source.substr(kSegmentPrefix.size())};
  guint64 running_time = 0;
  gst_structure_get_uint64(structure, "running-time", &running_time);
  if (gst_structure_has_name(structure, "splitmuxsink-fragment-opened")) {
    segment_opened_at_[rendition] = running_time;
    // The first opened segment is close to "now" (bus latency only); one
    // mapping for all renditions keeps their PROGRAM-DATE-TIMEs aligned.
    if (!wall_at_zero_) {
      wall_at_zero_ = std::chrono::system_clock::now() -
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds{running_time});
    }
  } else if (gst_structure_has_name(structure, "splitmuxsink-fragment-closed")) {
    SegmentClosed segment;
    segment.rendition = rendition;
    segment.path = structure_string(structure, "location");
    // The sink has handled EOS (written everything) before splitmuxsink posts this.
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(segment.path, ec);
    if (!ec) segment.bytes = bytes;
    if (auto it = segment_opened_at_.find(rendition); it != segment_opened_at_.end()) {
      segment.start = std::chrono::nanoseconds{it->second};
      segment.duration = std::chrono::nanoseconds{running_time - it->second};
    }
    if (wall_at_zero_) {
      segment.wall_clock = *wall_at_zero_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(segment.start);
    }
    playlists_.on_segment(segment, std::chrono::steady_clock::now());
    if (callbacks_.on_segment) callbacks_.on_segment(segment);
  }
}

void RoomRelay::on_format_message(const GstStructure* structure) {
  const std::string rendition = structure_string(structure, "rendition");
  auto it = tracks_.find(rendition);
  if (it == tracks_.end()) return;  // the track message comes first (pad-added)
  TrackInfo track = it->second;
  track.codecs = structure_string(structure, "codecs");
  gst_structure_get_int(structure, "width", &track.width);
  gst_structure_get_int(structure, "height", &track.height);
  gst_structure_get_double(structure, "frame-rate", &track.frame_rate);
  report_track(track);
}

void RoomRelay::report_track(const TrackInfo& track) {
  auto& known = tracks_[track.rendition];
  if (known.rendition == track.rendition && known.codec == track.codec && known.language == track.language &&
      known.codecs == track.codecs && known.width == track.width && known.height == track.height &&
      known.frame_rate == track.frame_rate && known.variant_of == track.variant_of &&
      known.language_from_config == track.language_from_config) {
    return;
  }
  known = track;
  playlists_.on_track(track);
  if (callbacks_.on_track) callbacks_.on_track(track);
}

void RoomRelay::on_application_message(GstMessage* message) {
  const GstStructure* structure = gst_message_get_structure(message);
  if (structure == nullptr) return;
  if (gst_structure_has_name(structure, kTrackMessage)) {
    TrackInfo track;
    track.rendition = structure_string(structure, "rendition");
    track.codec = structure_string(structure, "codec");
    track.variant_of = structure_string(structure, "variant-of");
    if (track.rendition.empty()) {
      log("relay " + config_.room + " ignores a stream of type " + track.codec);
      return;
    }
    gint audio_index = -1;
    gboolean descriptor_absent = FALSE;
    gst_structure_get_int(structure, "audio-index", &audio_index);
    gst_structure_get_boolean(structure, "descriptor-absent", &descriptor_absent);
    if (audio_index >= 0) {
      auto resolved = resolve_track_language(structure_string(structure, "language"), descriptor_absent != FALSE,
                                             static_cast<std::size_t>(audio_index), config_.track_languages);
      track.language = std::move(resolved.language);
      track.language_from_config = resolved.from_config;
    } else {
      track.language = structure_string(structure, "language");
    }
    // Keep what the parser told about the format; the demuxer knows only codec and language.
    if (auto it = tracks_.find(track.rendition); it != tracks_.end() && it->second.codec == track.codec) {
      // A rebuilt pipeline's track starts without a language until its
      // descriptor (or its first data) says: keep the last one meanwhile.
      if (track.language.empty() && !descriptor_absent) {
        track.language = it->second.language;
        track.language_from_config = it->second.language_from_config;
      }
      track.codecs = it->second.codecs;
      track.width = it->second.width;
      track.height = it->second.height;
      track.frame_rate = it->second.frame_rate;
    }
    report_track(track);
  } else if (gst_structure_has_name(structure, kFormatMessage)) {
    on_format_message(structure);
  } else if (gst_structure_has_name(structure, kTimestampGuardMessage)) {
    gint64 running_time = 0;
    gint64 last = 0;
    gst_structure_get_int64(structure, "running-time", &running_time);
    gst_structure_get_int64(structure, "last", &last);
    log("relay " + config_.room + " dropped a " + structure_string(structure, "rendition") +
        " buffer at running time " + std::to_string(running_time / 1000000) + " ms (last let through " +
        std::to_string(last / 1000000) + " ms): before the stream start or going back");
  } else if (gst_structure_has_name(structure, kCallerMessage)) {
    const std::string kind = structure_string(structure, "kind");
    CallerEvent event;
    event.peer = structure_string(structure, "peer");
    event.stream_id = structure_string(structure, "stream-id");
    const bool unchecked = structure_string(structure, "reason") == "unchecked";
    if (kind == "connected") {
      event.kind = CallerEvent::Kind::connected;
      next_backoff_ = config_.restart_backoff;
      if (callbacks_.on_caller) callbacks_.on_caller(event);
      if (gate_->revoked()) {
        // Its stream id was rotated away between acceptance and now.
        drop_revoked_publisher();
        return;
      }
      set_state(RelayState::live, "publisher " + event.peer);
      return;
    }
    if (kind == "disconnected") {
      event.kind = CallerEvent::Kind::disconnected;
    } else {
      event.kind = CallerEvent::Kind::rejected;
      // Encoders retry a refused connection many times a second: one line per
      // interval, with the count of refusals not logged in between.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_refusal_logged_ >= kRefusalLogInterval) {
        const std::string why = unchecked ? "connected before srtsrc installed the stream id check"
                                          : "wrong stream id '" + event.stream_id + "'";
        log("relay " + config_.room + " refused publisher " + event.peer + ": " + why +
            (refusals_not_logged_ > 0 ? " (" + std::to_string(refusals_not_logged_) + " more refused before)" : ""));
        last_refusal_logged_ = now;
        refusals_not_logged_ = 0;
      } else {
        ++refusals_not_logged_;
      }
    }
    if (callbacks_.on_caller) callbacks_.on_caller(event);
    // An unchecked connection is open (its data is dropped): close it with
    // the listener; the encoder's retry then meets the check.
    if (unchecked) rebuild(std::chrono::milliseconds{0});
  }
}

void RoomRelay::set_state(RelayState state, const std::string& detail) {
  state_.store(state);
  if (callbacks_.on_state) callbacks_.on_state(state, detail);
}

void RoomRelay::log(const std::string& line) const {
  if (callbacks_.on_log) callbacks_.on_log(line);
}

}  // namespace plenary::streaming
