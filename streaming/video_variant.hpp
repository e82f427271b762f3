#pragma once

#include <string>
#include <string_view>

#include <gst/gst.h>

namespace plenary::streaming {

// The lower-resolution video variant: the relay decodes the publisher's
// video, scales it and encodes it again (x264), cut into segments that line
// up with the source's. These are the pieces of that branch that are not
// plain element properties.

// Element factories the variant needs beyond kRelayElements (availability.hpp):
// a relay configured with low_video_height fails to build without them.
inline constexpr std::string_view kLowVideoElements[] = {
    "tee", "avdec_h264", "videoscale", "videoconvert", "capsfilter", "x264enc",
};

struct VideoSize {
  int width = 0;
  int height = 0;
};

// The size of the scaled picture: `target_height` (made even, never more
// than the source's height: no upscaling), and the width that keeps the
// source's display aspect ratio (`width` x `height` pixels of aspect
// `par_n`:`par_d`) with square pixels, rounded to the nearest even number
// (4:2:0 needs even sizes). {0, 0} when the source size is unknown. Pure.
VideoSize scaled_video_size(int width, int height, int par_n, int par_d, int target_height);

// Name of the variant's rendition (and folder): "video_360".
std::string low_video_rendition(int target_height);

// Sets `caps_filter` (after `scaler`) to raw I420 of scaled_video_size()
// each time caps reach `scaler`, so the size follows the source's. The
// probe's state is owned by the pad; it runs on the branch's streaming thread.
void scale_to_height(GstElement* scaler, GstElement* caps_filter, int target_height);

// Makes the encoder after `raw_feeder` start a new GOP exactly where the
// source has a keyframe, and nowhere else (the encoder's own keyframe
// interval must be off): `coded_feeder`'s src pad carries the source's
// encoded frames (before the decoder), where the keyframes' timestamps are
// noted; when the decoded frame with such a timestamp (or the first after
// it, if the decoder dropped it) leaves `raw_feeder`, a downstream
// force-key-unit event goes ahead of it. The decoder and scaler keep
// timestamps, so the variant's segment files can be cut at the same running
// times as the source's.
//
// The state is owned jointly by the two pad probes (freed with the later
// pad). Both run on the branch's streaming thread (after its queue); a mutex
// guards the keyframe list all the same, in case a decoder ever puts frames
// out from a thread of its own.
void follow_source_keyframes(GstElement* coded_feeder, GstElement* raw_feeder);

}  // namespace plenary::streaming
