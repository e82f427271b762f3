#include "streaming/timestamp_guard.hpp"

#include <cstdint>
#include <utility>

#include "streaming/gst_handle.hpp"

namespace plenary::streaming {

namespace {

void post_application_message(GstElement* from, GstStructure* owned_structure) {
  gst_element_post_message(from, gst_message_new_application(GST_OBJECT(from), owned_structure));
}

struct TimestampGuard {
  std::string rendition;
  bool is_video = false;
  GstSegment segment{};
  bool started = false;             // video: a keyframe at running time >= 0 has passed
  gint64 last_running_time = -1;    // audio: of the last buffer let through
  std::uint64_t dropped = 0;        // only the pad's streaming thread touches these
  bool reported = false;
};

bool guard_lets_through(TimestampGuard& guard, GstBuffer* buffer, gint64& running_time) {
  // splitmuxsink goes by PTS, falling back to DTS.
  const GstClockTime ts = GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : GST_BUFFER_DTS(buffer);
  if (!signed_running_time(guard.segment, ts, running_time)) return guard.started || !guard.is_video;
  if (guard.is_video) {
    if (!guard.started) {
      guard.started = running_time >= 0 && !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
      return guard.started;
    }
    return running_time >= 0;
  }
  if (running_time < 0 || running_time < guard.last_running_time) return false;
  guard.last_running_time = running_time;
  return true;
}

GstPadProbeReturn on_segmenter_input(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  auto& guard = *static_cast<TimestampGuard*>(data);
  if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    if (follow_segment(GST_PAD_PROBE_INFO_EVENT(info), guard.segment)) {
      guard.started = false;
      guard.last_running_time = -1;
    }
    return GST_PAD_PROBE_OK;
  }
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  if (buffer == nullptr) return GST_PAD_PROBE_OK;
  gint64 running_time = 0;
  if (guard_lets_through(guard, buffer, running_time)) return GST_PAD_PROBE_OK;
  ++guard.dropped;
  if (!guard.reported) {
    // One line per branch and pipeline is enough to see it happen.
    guard.reported = true;
    ElementHandle parent{adopt, gst_pad_get_parent_element(pad)};
    if (parent) {
      post_application_message(parent.get(), gst_structure_new(kTimestampGuardMessage, "rendition", G_TYPE_STRING,
                                                       guard.rendition.c_str(), "running-time", G_TYPE_INT64,
                                                       running_time, "last", G_TYPE_INT64, guard.last_running_time,
                                                       nullptr));
    }
  }
  return GST_PAD_PROBE_DROP;
}

}  // namespace

bool follow_segment(GstEvent* event, GstSegment& segment) {
  if (GST_EVENT_TYPE(event) == GST_EVENT_SEGMENT) {
    gst_event_copy_segment(event, &segment);
  } else if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
    gst_segment_init(&segment, GST_FORMAT_UNDEFINED);
    return true;
  }
  return false;
}

bool signed_running_time(const GstSegment& segment, GstClockTime ts, gint64& out) {
  if (segment.format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID(ts)) return false;
  guint64 magnitude = 0;
  const gint sign = gst_segment_to_running_time_full(&segment, GST_FORMAT_TIME, ts, &magnitude);
  if (sign == 0) return false;
  out = sign > 0 ? static_cast<gint64>(magnitude) : -static_cast<gint64>(magnitude);
  return true;
}

void guard_segmenter_input(GstElement* feeder, std::string rendition, bool is_video) {
  auto* guard = new TimestampGuard{std::move(rendition), is_video};
  gst_segment_init(&guard->segment, GST_FORMAT_UNDEFINED);
  PadHandle src{adopt, gst_element_get_static_pad(feeder, "src")};
  gst_pad_add_probe(src.get(),
                    static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                                 GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                    on_segmenter_input, guard, [](gpointer p) { delete static_cast<TimestampGuard*>(p); });
}

}  // namespace plenary::streaming
