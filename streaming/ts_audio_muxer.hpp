#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace plenary::streaming {

// MPEG-TS for one ADTS AAC stream, written as mpegtsmux (1.22) writes it, so
// an audio segment reads the same to players and to tsdemux: program 1, PMT on
// PID 0x20, the audio on PID 0x41 (stream type 0x0F) with an ISO 639
// language descriptor when the language is known, one PES (stream id 0xC0,
// PTS only) per frame, and a PCR equal to the PTS on each PES start. Times
// are running time plus one hour, as mpegtsmux offsets them, so audio and
// video segments of the relay share one timeline.
//
// Owns the continuity counters; no I/O, no GStreamer. One owner thread.
class TsAudioMuxer {
 public:
  static constexpr std::uint16_t kPmtPid = 0x20;
  static constexpr std::uint16_t kAudioPid = 0x41;
  static constexpr std::size_t kPacketSize = 188;

  // PAT and PMT, to open every segment (each segment decodes on its own).
  // `language_639_2`: three letters, or empty for no descriptor.
  void append_tables(std::string& out, std::string_view language_639_2);
  // One ADTS frame (header included) as a PES starting at `running_time_ns`.
  void append_frame(std::string& out, const std::uint8_t* adts, std::size_t size, std::int64_t running_time_ns);

  // The 33-bit, 90 kHz PTS mpegtsmux writes for a running time.
  static std::uint64_t pts_for(std::int64_t running_time_ns);

 private:
  void append_section(std::string& out, std::uint16_t pid, std::uint8_t& continuity, const std::string& section);

  std::uint8_t pat_continuity_ = 0;
  std::uint8_t pmt_continuity_ = 0;
  std::uint8_t audio_continuity_ = 0;
};

// CRC-32/MPEG-2 of PSI sections (polynomial 0x04C11DB7, no reflection).
std::uint32_t mpeg_crc32(const std::uint8_t* data, std::size_t size);

}  // namespace plenary::streaming
