#pragma once

#include <gst/gst.h>

#include <filesystem>
#include <string>

namespace plenary::streaming {

// Where one audio rendition's segments go and how long they may be.
struct AudioSegmenterConfig {
  std::filesystem::path dir;  // the rendition's folder
  unsigned generation = 0;    // file names are g{generation}-seg%05d.ts, as splitmuxsink's
  gint64 segment_ns = 0;      // a segment ends before the first frame that would make it longer
};

// Cuts an ADTS AAC stream into MPEG-TS segment files on the thread that
// pushes into `sink` (a fakesink: tsdemux's streaming thread in the relay),
// instead of splitmuxsink + mpegtsmux, which cost three thread hand-offs per
// AAC frame (47 a second per language). Same files (TsAudioMuxer), same cuts
// (as splitmuxsink with max-size-time: as many whole frames as fit), and the
// same element messages from `sink`: "splitmuxsink-fragment-opened" and
// "-closed" with "location" and "running-time" (the closed file is complete
// on disk when the message is posted; its running time is the end of its
// last frame). The ISO 639 descriptor follows the stream's language tag.
//
// A pad probe on the sink's sink pad owns the state (open file, counters);
// freed with the pad. It writes each buffer and drops it: the sink sees
// events only, so it never prerolls and never blocks the thread in PAUSED.
// Caps must be audio/mpeg with stream-format=adts.
void attach_audio_segmenter(GstElement* sink, AudioSegmenterConfig config);

}  // namespace plenary::streaming
