#include "streaming/ts_audio_muxer.hpp"

#include <algorithm>

namespace plenary::streaming {

namespace {

constexpr std::uint16_t kProgram = 1;
constexpr std::uint8_t kAdtsAacStreamType = 0x0F;
constexpr std::uint8_t kAudioStreamId = 0xC0;
constexpr std::uint64_t kClockBase = 90000ULL * 3600;  // mpegtsmux's TS_MUX_CLOCK_BASE: one hour
constexpr std::uint64_t kPtsMask = (1ULL << 33) - 1;

void put16(std::string& out, unsigned value) {
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}

void put32(std::string& out, std::uint32_t value) {
  put16(out, value >> 16);
  put16(out, value & 0xFFFF);
}

// Table header through last_section_number, for a section of `body` bytes after it plus the CRC.
std::string section_start(std::uint8_t table_id, std::uint16_t id, std::size_t body) {
  std::string s;
  s += static_cast<char>(table_id);
  put16(s, 0xB000 | static_cast<unsigned>(5 + body + 4));  // syntax indicator, reserved, length
  put16(s, id);
  s += static_cast<char>(0xC1);  // version 0, current
  s += '\0';                     // section number
  s += '\0';                     // last section number
  return s;
}

void finish_section(std::string& section) {
  const auto crc = mpeg_crc32(reinterpret_cast<const std::uint8_t*>(section.data()), section.size());
  put32(section, crc);
}

std::string pat_section() {
  std::string s = section_start(0x00, 1, 4);  // transport stream id 1
  put16(s, kProgram);
  put16(s, 0xE000 | TsAudioMuxer::kPmtPid);
  finish_section(s);
  return s;
}

std::string pmt_section(std::string_view language) {
  std::string descriptor;
  if (language.size() == 3) {
    descriptor += static_cast<char>(0x0A);  // ISO 639 language descriptor
    descriptor += static_cast<char>(4);
    descriptor += language;
    descriptor += '\0';  // audio type: undefined
  }
  std::string s = section_start(0x02, kProgram, 4 + 5 + descriptor.size());
  put16(s, 0xE000 | TsAudioMuxer::kAudioPid);  // PCR PID
  put16(s, 0xF000);                            // no program info
  s += static_cast<char>(kAdtsAacStreamType);
  put16(s, 0xE000 | TsAudioMuxer::kAudioPid);
  put16(s, 0xF000 | static_cast<unsigned>(descriptor.size()));
  s += descriptor;
  finish_section(s);
  return s;
}

void put_header(std::string& out, std::uint16_t pid, bool unit_start, bool adaptation, std::uint8_t& continuity) {
  out += static_cast<char>(0x47);
  put16(out, (unit_start ? 0x4000U : 0U) | pid);
  out += static_cast<char>((adaptation ? 0x30 : 0x10) | (continuity & 0x0F));
  continuity = static_cast<std::uint8_t>((continuity + 1) & 0x0F);
}

void put_pts(std::string& out, std::uint64_t pts) {
  out += static_cast<char>(0x21 | ((pts >> 29) & 0x0E));  // '0010', PTS only
  put16(out, static_cast<unsigned>(((pts >> 14) & 0xFFFE) | 1));
  put16(out, static_cast<unsigned>(((pts << 1) & 0xFFFE) | 1));
}

// Adaptation field of `length` bytes after its length byte: PCR if asked, the rest stuffing.
void put_adaptation(std::string& out, std::size_t length, const std::uint64_t* pcr_base) {
  out += static_cast<char>(length);
  if (length == 0) return;
  out += static_cast<char>(pcr_base ? 0x50 : 0x00);  // random access + PCR flag, or nothing
  std::size_t used = 1;
  if (pcr_base) {
    const std::uint64_t base = *pcr_base;
    put32(out, static_cast<std::uint32_t>(base >> 1));
    put16(out, static_cast<unsigned>(((base & 1) << 15) | 0x7E00));  // reserved bits, extension 0
    used += 6;
  }
  out.append(length - used, static_cast<char>(0xFF));
}

}  // namespace

std::uint32_t mpeg_crc32(const std::uint8_t* data, std::size_t size) {
  std::uint32_t crc = 0xFFFFFFFF;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= static_cast<std::uint32_t>(data[i]) << 24;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
  }
  return crc;
}

std::uint64_t TsAudioMuxer::pts_for(std::int64_t running_time_ns) {
  // gst_util_uint64_scale rounds down, as mpegtsmux's GSTTIME_TO_MPEGTIME.
  const auto magnitude = static_cast<std::uint64_t>(running_time_ns < 0 ? -running_time_ns : running_time_ns);
  // magnitude * 9 / 100000 without overflow: 9 q + 9 r / 100000 for magnitude = 100000 q + r.
  const auto ticks = static_cast<std::int64_t>((magnitude / 100000) * 9 + (magnitude % 100000) * 9 / 100000);
  const std::int64_t signed_ticks = running_time_ns < 0 ? -ticks : ticks;
  return (static_cast<std::uint64_t>(static_cast<std::int64_t>(kClockBase) + signed_ticks)) & kPtsMask;
}

void TsAudioMuxer::append_section(std::string& out, std::uint16_t pid, std::uint8_t& continuity,
                                  const std::string& section) {
  put_header(out, pid, true, false, continuity);
  out += '\0';  // pointer field
  out += section;
  out.append(kPacketSize - 5 - section.size(), static_cast<char>(0xFF));
}

void TsAudioMuxer::append_tables(std::string& out, std::string_view language_639_2) {
  append_section(out, 0x0000, pat_continuity_, pat_section());
  append_section(out, kPmtPid, pmt_continuity_, pmt_section(language_639_2));
}

void TsAudioMuxer::append_frame(std::string& out, const std::uint8_t* adts, std::size_t size,
                                std::int64_t running_time_ns) {
  const std::uint64_t pts = pts_for(running_time_ns);
  std::string pes;
  pes.reserve(14 + size);
  pes += std::string_view{"\0\0\1", 3};
  pes += static_cast<char>(kAudioStreamId);
  const std::size_t after_length = 3 + 5 + size;
  put16(pes, after_length <= 0xFFFF ? static_cast<unsigned>(after_length) : 0U);
  pes += static_cast<char>(0x80);  // marker bits
  pes += static_cast<char>(0x80);  // PTS only
  pes += static_cast<char>(5);
  put_pts(pes, pts);
  pes.append(reinterpret_cast<const char*>(adts), size);

  std::size_t offset = 0;
  bool first = true;
  while (offset < pes.size()) {
    // The first packet carries the PCR (8 bytes of adaptation field); the
    // last is filled up with stuffing in its adaptation field.
    const std::size_t pcr_bytes = first ? 8 : 0;
    const std::size_t room = kPacketSize - 4 - pcr_bytes;
    const std::size_t take = std::min(room, pes.size() - offset);
    const bool adaptation = first || take < kPacketSize - 4;
    put_header(out, kAudioPid, first, adaptation, audio_continuity_);
    if (adaptation) {
      const std::size_t field = kPacketSize - 4 - take - 1;  // bytes after the length byte
      put_adaptation(out, field, first ? &pts : nullptr);
    }
    out.append(pes, offset, take);
    offset += take;
    first = false;
  }
}

}  // namespace plenary::streaming
