#include "streaming/ts_audio_muxer.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using plenary::streaming::TsAudioMuxer;

namespace {

unsigned pid_of(const std::string& ts, std::size_t packet) {
  const auto* p = reinterpret_cast<const unsigned char*>(ts.data()) + packet * TsAudioMuxer::kPacketSize;
  return ((p[1] & 0x1FU) << 8) | p[2];
}

}  // namespace

TEST_CASE("the audio muxer's PTS is running time at 90 kHz plus one hour, as mpegtsmux writes it") {
  CHECK(TsAudioMuxer::pts_for(0) == 90000ULL * 3600);
  CHECK(TsAudioMuxer::pts_for(1'000'000'000) == 90000ULL * 3601);
  CHECK(TsAudioMuxer::pts_for(21'333'333) == 90000ULL * 3600 + 1919);  // rounded down
  CHECK(TsAudioMuxer::pts_for(-1'000'000'000) == 90000ULL * 3599);
}

TEST_CASE("CRC-32/MPEG-2 matches the standard check value") {
  const std::string check = "123456789";
  CHECK(plenary::streaming::mpeg_crc32(reinterpret_cast<const std::uint8_t*>(check.data()), check.size()) ==
        0x0376E6E7U);
}

TEST_CASE("tables and frames come out as whole 188-byte packets on the expected PIDs") {
  TsAudioMuxer muxer;
  std::string ts;
  muxer.append_tables(ts, "eng");
  REQUIRE(ts.size() == 2 * TsAudioMuxer::kPacketSize);
  CHECK(pid_of(ts, 0) == 0);
  CHECK(pid_of(ts, 1) == TsAudioMuxer::kPmtPid);
  CHECK(ts.find("eng") != std::string::npos);
  for (std::size_t size : {7U, 168U, 169U, 176U, 177U, 400U, 1500U}) {
    INFO("frame of " << size << " bytes");
    std::string frame;
    const std::vector<std::uint8_t> adts(size, 0xAB);
    muxer.append_frame(frame, adts.data(), adts.size(), 0);
    REQUIRE(frame.size() % TsAudioMuxer::kPacketSize == 0);
    for (std::size_t i = 0; i < frame.size() / TsAudioMuxer::kPacketSize; ++i) {
      CHECK(static_cast<unsigned char>(frame[i * TsAudioMuxer::kPacketSize]) == 0x47);
      CHECK(pid_of(frame, i) == TsAudioMuxer::kAudioPid);
    }
    // Every payload byte is there once: PES header (14) + the frame.
    std::size_t payload = 0;
    for (std::size_t i = 0; i < frame.size() / TsAudioMuxer::kPacketSize; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(frame.data()) + i * TsAudioMuxer::kPacketSize;
      const bool adaptation = (p[3] & 0x20) != 0;
      payload += TsAudioMuxer::kPacketSize - 4 - (adaptation ? 1U + p[4] : 0U);
    }
    CHECK(payload == 14 + size);
  }
}
