#include "live/frame.hpp"

#include <cstdint>
#include <string>

#include <doctest/doctest.h>

using plenary::live::text_frame;

namespace {

// The payload length a frame's header declares, and the header's size.
std::pair<std::uint64_t, std::size_t> declared(const std::string& frame) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(frame[i])); };
  const std::uint64_t first = byte(1) & 0x7f;
  if (first < 126) return {first, 2};
  if (first == 126) return {(byte(2) << 8) | byte(3), 4};
  std::uint64_t length = 0;
  for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | byte(i);
  return {length, 10};
}

}  // namespace

TEST_CASE("a message is framed as one unmasked text frame with the shortest length a reader accepts") {
  for (const std::size_t size : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 70000u}) {
    CAPTURE(size);
    const std::string payload(size, 'x');
    const std::string frame = text_frame(payload);
    CHECK(static_cast<unsigned char>(frame[0]) == 0x81);   // FIN and text
    CHECK((static_cast<unsigned char>(frame[1]) & 0x80) == 0);  // a server never masks
    const auto [length, header] = declared(frame);
    CHECK(length == size);
    CHECK(header == (size < 126 ? 2u : size <= 65535 ? 4u : 10u));
    CHECK(frame.substr(header) == payload);
  }
}
