#pragma once

#include <gst/gst.h>

#include <string>

namespace plenary::streaming {

// Name of the application message a guard posts (once per guard) when it
// first drops a buffer; fields: rendition (string), running-time and last
// (gint64, ns; last is -1 before any buffer passed).
inline constexpr const char* kTimestampGuardMessage = "plenary-dropped";

// Puts a probe on `feeder`'s src pad that only lets through what
// splitmuxsink can cut without failing the whole pipeline:
//
// splitmuxsink posts "Timestamping error on input streams: Queued GOP time is
// negative" when its reference stream goes back in running time past what it
// already wrote. With one audio stream per segmenter every frame starts a
// "GOP", so a single AAC frame timestamped one frame early (tsdemux does this
// now and then at the start of a live stream) kills the relay. So audio must
// never go back and never start before running time 0; video starts on a
// keyframe at running time 0 or later (frames before it cannot be decoded
// without the ones dropped) and is otherwise untouched, since B-frames go
// back in PTS by design.
//
// The probe's state is owned by the pad (freed with it). It runs on the
// pad's streaming thread and only posts to the bus.
void guard_segmenter_input(GstElement* feeder, std::string rendition, bool is_video);

// Keeps a pad probe's copy of the stream's segment in step with its events:
// copied from SEGMENT, undefined again after FLUSH_STOP. True for FLUSH_STOP,
// so the caller can reset what it derived from the old segment.
bool follow_segment(GstEvent* event, GstSegment& segment);

// Running time of `ts` in `segment`, negative before the segment start;
// false when unknown (not a TIME segment, no timestamp).
bool signed_running_time(const GstSegment& segment, GstClockTime ts, gint64& out);

}  // namespace plenary::streaming
