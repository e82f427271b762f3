#include "live/frame.hpp"

#include <cstdint>

namespace plenary::live {

std::string text_frame(std::string_view payload) {
  const std::uint64_t size = payload.size();
  std::string frame;
  frame.reserve(payload.size() + 10);
  frame.push_back(static_cast<char>(0x81));  // FIN, text
  if (size < 126) {
    frame.push_back(static_cast<char>(size));
  } else if (size <= 0xffff) {
    frame.push_back(static_cast<char>(126));
    frame.push_back(static_cast<char>(size >> 8));
    frame.push_back(static_cast<char>(size & 0xff));
  } else {
    frame.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) frame.push_back(static_cast<char>((size >> shift) & 0xff));
  }
  frame.append(payload);
  return frame;
}

std::string ping_frame() {
  return std::string("\x89\x00", 2);
}

}  // namespace plenary::live
