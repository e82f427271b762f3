#pragma once

#include <string>
#include <string_view>

namespace plenary::live {

// `payload` as one unfragmented WebSocket text frame from a server (RFC 6455
// 5.2: FIN, opcode 1, no mask, the shortest length encoding). A server's
// frames are not masked, so the same bytes go to every recipient: the hub
// frames a message once per language and shares the buffer. Pure.
std::string text_frame(std::string_view payload);
// An empty ping frame from a server (FIN, opcode 9, no mask, no payload).
std::string ping_frame();

}  // namespace plenary::live
