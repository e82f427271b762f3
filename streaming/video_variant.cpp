#include "streaming/video_variant.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <mutex>

#include "streaming/gst_handle.hpp"
#include "streaming/timestamp_guard.hpp"

namespace plenary::streaming {

namespace {

// Keyframes noted but not yet met on the raw side; a decoder that stopped
// putting frames out must not make the list grow without end.
constexpr std::size_t kMostPendingKeyframes = 64;

// What the two probes of follow_source_keyframes share. Owned jointly by
// the probes (a shared_ptr each); used on the branch's streaming thread.
struct KeyframeFollower {
  std::mutex mutex;
  std::deque<GstClockTime> pending;  // PTS of source keyframes, in order
  GstSegment raw_segment{};          // the raw side's segment (its probe only), for stream times
  guint count = 0;                   // force-key-unit events sent
};

using FollowerRef = std::shared_ptr<KeyframeFollower>;

void delete_follower_ref(gpointer data) {
  delete static_cast<FollowerRef*>(data);
}

// The structure gst_video_event_new_downstream_force_key_unit() builds, made
// here so the library needs only gstreamer-1.0 (not gstreamer-video).
GstEvent* force_key_unit_event(GstClockTime timestamp, GstClockTime stream_time, GstClockTime running_time,
                               guint count) {
  return gst_event_new_custom(
      GST_EVENT_CUSTOM_DOWNSTREAM,
      gst_structure_new("GstForceKeyUnit", "timestamp", G_TYPE_UINT64, timestamp, "stream-time", G_TYPE_UINT64,
                        stream_time, "running-time", G_TYPE_UINT64, running_time, "all-headers", G_TYPE_BOOLEAN, TRUE,
                        "count", G_TYPE_UINT, count, nullptr));
}

GstPadProbeReturn on_coded_frame(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto& follower = **static_cast<FollowerRef*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_FLUSH_STOP) {
      std::lock_guard lock{follower.mutex};
      follower.pending.clear();
    }
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr || GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT) ||
      !GST_BUFFER_PTS_IS_VALID(buffer)) {
    return GST_PAD_PROBE_OK;
  }
  std::lock_guard lock{follower.mutex};
  if (follower.pending.size() >= kMostPendingKeyframes) follower.pending.pop_front();
  follower.pending.push_back(GST_BUFFER_PTS(buffer));
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn on_raw_frame(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto& follower = **static_cast<FollowerRef*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH)) {
    follow_segment(GST_PAD_PROBE_INFO_EVENT(info), follower.raw_segment);
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr || !GST_BUFFER_PTS_IS_VALID(buffer)) return GST_PAD_PROBE_OK;
  const GstClockTime pts = GST_BUFFER_PTS(buffer);
  bool force = false;
  {
    std::lock_guard lock{follower.mutex};
    // Decoded frames come in presentation order: a keyframe's frame is the
    // first at or after its PTS (the same frame unless the decoder dropped it).
    while (!follower.pending.empty() && follower.pending.front() <= pts) {
      follower.pending.pop_front();
      force = true;
    }
  }
  if (!force) return GST_PAD_PROBE_OK;
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  if (follower.raw_segment.format == GST_FORMAT_TIME) {
    stream_time = gst_segment_to_stream_time(&follower.raw_segment, GST_FORMAT_TIME, pts);
  }
  // Running time NONE ("the next frame", which is this one: the event is
  // serialized and goes first). Not the frame's running time: 1.22's
  // GstVideoEncoder takes the first frame's from its output segment before
  // that is set (about 1000 h with tsdemux's timestamps), remembers it as
  // its last forced key unit, and then refuses every later request as older.
  gst_pad_push_event(pad, force_key_unit_event(pts, stream_time, GST_CLOCK_TIME_NONE, follower.count++));
  return GST_PAD_PROBE_OK;
}

// What scale_to_height's probe needs; owned by the scaler's sink pad.
struct ScaleTarget {
  GstElement* caps_filter = nullptr;  // borrowed: in the same bin as the scaler, which outlives the probe's use
  int target_height = 0;
};

GstPadProbeReturn on_scaler_caps(GstPad*, GstPadProbeInfo* info, gpointer data) {
  const auto& target = *static_cast<ScaleTarget*>(data);
  GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
  if (event == nullptr || GST_EVENT_TYPE(event) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
  GstCaps* caps = nullptr;  // borrowed from the event
  gst_event_parse_caps(event, &caps);
  const GstStructure* s = caps && !gst_caps_is_empty(caps) ? gst_caps_get_structure(caps, 0) : nullptr;
  if (s == nullptr) return GST_PAD_PROBE_OK;
  gint width = 0;
  gint height = 0;
  gint par_n = 1;
  gint par_d = 1;
  gst_structure_get_int(s, "width", &width);
  gst_structure_get_int(s, "height", &height);
  gst_structure_get_fraction(s, "pixel-aspect-ratio", &par_n, &par_d);
  const VideoSize size = scaled_video_size(width, height, par_n, par_d, target.target_height);
  if (size.width == 0) return GST_PAD_PROBE_OK;
  // Set before the caps event goes on: the scaler then negotiates the new size.
  CapsHandle wanted{adopt, gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT,
                                               size.width, "height", G_TYPE_INT, size.height, "pixel-aspect-ratio",
                                               GST_TYPE_FRACTION, 1, 1, nullptr)};
  g_object_set(target.caps_filter, "caps", wanted.get(), nullptr);
  return GST_PAD_PROBE_OK;
}

}  // namespace

VideoSize scaled_video_size(int width, int height, int par_n, int par_d, int target_height) {
  if (width <= 0 || height <= 0 || target_height < 2) return {};
  if (par_n <= 0 || par_d <= 0) par_n = par_d = 1;
  const int out_height = std::min(target_height, height) / 2 * 2;
  if (out_height < 2) return {};
  const double display_width = static_cast<double>(width) * par_n / par_d;
  const double exact = display_width * out_height / height;
  const int out_width = std::max(2, static_cast<int>(std::lround(exact / 2.0)) * 2);
  return {out_width, out_height};
}

std::string low_video_rendition(int target_height) {
  return "video_" + std::to_string(target_height);
}

void scale_to_height(GstElement* scaler, GstElement* caps_filter, int target_height) {
  CapsHandle initial{adopt, gst_caps_from_string("video/x-raw,format=I420,pixel-aspect-ratio=1/1")};
  g_object_set(caps_filter, "caps", initial.get(), nullptr);
  PadHandle sink{adopt, gst_element_get_static_pad(scaler, "sink")};
  gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_scaler_caps,
                    new ScaleTarget{caps_filter, target_height},
                    [](gpointer p) { delete static_cast<ScaleTarget*>(p); });
}

void follow_source_keyframes(GstElement* coded_feeder, GstElement* raw_feeder) {
  auto follower = std::make_shared<KeyframeFollower>();
  gst_segment_init(&follower->raw_segment, GST_FORMAT_UNDEFINED);
  PadHandle coded{adopt, gst_element_get_static_pad(coded_feeder, "src")};
  gst_pad_add_probe(coded.get(),
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                    on_coded_frame, new FollowerRef{follower}, delete_follower_ref);
  PadHandle raw{adopt, gst_element_get_static_pad(raw_feeder, "src")};
  gst_pad_add_probe(raw.get(),
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                                 GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                    on_raw_frame, new FollowerRef{follower}, delete_follower_ref);
}

}  // namespace plenary::streaming
