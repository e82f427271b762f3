#include "streaming/audio_segmenter.hpp"

#include <cstdio>
#include <memory>
#include <string_view>

#include "streaming/gst_handle.hpp"
#include "streaming/language_names.hpp"
#include "streaming/timestamp_guard.hpp"
#include "streaming/ts_audio_muxer.hpp"

namespace plenary::streaming {

namespace {

struct FileCloser {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

constexpr gint64 kAacFrameSamples = 1024;

// Only the streaming thread of the sink pad touches it.
struct AudioSegmenter {
  AudioSegmenterConfig config;
  GstElement* sink = nullptr;  // borrowed: owns the pad the probe is on
  GstSegment segment{};
  std::string language;  // ISO 639-2/B, for the next segment's PMT
  gint rate = 0;         // from the caps: a frame's duration when the buffer has none
  TsAudioMuxer muxer;
  File file;
  std::string path;
  unsigned index = 0;
  gint64 start = 0;  // running time of the open segment's first frame
  gint64 end = 0;    // of its last frame's end
  std::string out;   // one frame's packets, reused
};

std::string segment_path(const AudioSegmenter& s) {
  char name[48];
  std::snprintf(name, sizeof name, "g%u-seg%05u.ts", s.config.generation, s.index);
  return (s.config.dir / name).string();
}

void post_fragment(AudioSegmenter& s, const char* what, gint64 running_time) {
  GstStructure* structure = gst_structure_new(what, "location", G_TYPE_STRING, s.path.c_str(), "running-time",
                                              G_TYPE_UINT64, static_cast<guint64>(running_time < 0 ? 0 : running_time),
                                              nullptr);
  gst_element_post_message(s.sink, gst_message_new_element(GST_OBJECT(s.sink), structure));
}

void post_write_error(AudioSegmenter& s) {
  const std::string text = "cannot write audio segment " + s.path;
  GST_ELEMENT_ERROR(s.sink, RESOURCE, WRITE, ("%s", text.c_str()), (nullptr));
}

void close_segment(AudioSegmenter& s) {
  if (!s.file) return;
  const bool ok = std::fflush(s.file.get()) == 0;
  s.file.reset();
  if (!ok) {
    post_write_error(s);
    return;
  }
  post_fragment(s, "splitmuxsink-fragment-closed", s.end);
}

bool open_segment(AudioSegmenter& s, gint64 running_time) {
  s.path = segment_path(s);
  ++s.index;
  s.file.reset(std::fopen(s.path.c_str(), "wb"));
  if (!s.file) {
    post_write_error(s);
    return false;
  }
  s.start = running_time;
  s.end = running_time;
  post_fragment(s, "splitmuxsink-fragment-opened", running_time);
  s.out.clear();
  s.muxer.append_tables(s.out, s.language);
  return std::fwrite(s.out.data(), 1, s.out.size(), s.file.get()) == s.out.size();
}

gint64 frame_duration(const AudioSegmenter& s, GstBuffer* buffer) {
  if (GST_BUFFER_DURATION_IS_VALID(buffer)) return static_cast<gint64>(GST_BUFFER_DURATION(buffer));
  return s.rate > 0 ? kAacFrameSamples * GST_SECOND / s.rate : 0;
}

GstFlowReturn write_frame(AudioSegmenter& s, GstBuffer* buffer) {
  const GstClockTime ts = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : GST_BUFFER_DTS(buffer);
  gint64 running_time = 0;
  if (!signed_running_time(s.segment, ts, running_time)) return GST_FLOW_OK;  // the guard lets few such through
  const gint64 duration = frame_duration(s, buffer);
  // As splitmuxsink with max-size-time: a new file before the first frame
  // that would make the open one longer; never an empty file.
  if (s.file && s.end > s.start && running_time + duration - s.start > s.config.segment_ns) close_segment(s);
  if (!s.file && !open_segment(s, running_time)) return GST_FLOW_ERROR;
  GstMapInfo map;
  if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) return GST_FLOW_OK;
  s.out.clear();
  s.muxer.append_frame(s.out, map.data, map.size, running_time);
  gst_buffer_unmap(buffer, &map);
  if (std::fwrite(s.out.data(), 1, s.out.size(), s.file.get()) != s.out.size()) {
    s.file.reset();
    post_write_error(s);
    return GST_FLOW_ERROR;
  }
  s.end = running_time + duration;
  return GST_FLOW_OK;
}

void note_event(AudioSegmenter& s, GstEvent* event) {
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment(event, &s.segment);
      break;
    case GST_EVENT_CAPS: {
      GstCaps* caps = nullptr;  // borrowed from the event
      gst_event_parse_caps(event, &caps);
      if (caps && !gst_caps_is_empty(caps)) gst_structure_get_int(gst_caps_get_structure(caps, 0), "rate", &s.rate);
      break;
    }
    case GST_EVENT_TAG: {
      GstTagList* tags = nullptr;  // borrowed from the event
      gst_event_parse_tag(event, &tags);
      gchar* raw = nullptr;
      if (tags && gst_tag_list_get_string(tags, GST_TAG_LANGUAGE_CODE, &raw)) {
        s.language = iso639_2b_language(take_string(raw));
      }
      break;
    }
    case GST_EVENT_EOS:
      close_segment(s);
      break;
    default:
      break;
  }
}

GstPadProbeReturn on_audio_sink_input(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto& s = *static_cast<AudioSegmenter*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    note_event(s, GST_PAD_PROBE_INFO_EVENT(info));
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr) return GST_PAD_PROBE_OK;
  // Dropped once written: the sink never prerolls, so it never holds this
  // thread while the pipeline waits in PAUSED for another branch's
  // splitmuxsink (which would wait for this thread's data: a deadlock).
  GST_PAD_PROBE_INFO_FLOW_RETURN(info) = write_frame(s, buffer);
  return GST_PAD_PROBE_DROP;
}

}  // namespace

void attach_audio_segmenter(GstElement* sink, AudioSegmenterConfig config) {
  auto* segmenter = new AudioSegmenter{std::move(config), sink};
  gst_segment_init(&segmenter->segment, GST_FORMAT_UNDEFINED);
  PadHandle pad{adopt, gst_element_get_static_pad(sink, "sink")};
  gst_pad_add_probe(pad.get(),
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
                    on_audio_sink_input, segmenter, [](gpointer p) { delete static_cast<AudioSegmenter*>(p); });
}

}  // namespace plenary::streaming
