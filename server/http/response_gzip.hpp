#pragma once

#include <cstddef>

#include "http/message.hpp"

namespace plenary::http {

// Bodies smaller than this go out as they are: a gzip header and trailer,
// and the CPU, buy nothing on a packet or two.
inline constexpr std::size_t kGzipMinBytes = 1024;
// zlib's level 4, measured on the demo's 7.5 KB speakers list and 48 KB
// agenda: 2.4 and 6.4 KB out, about 70 % of level 6's CPU on the agenda for
// 3-9 % more bytes. Handlers compress on worker threads, so this is their time.
inline constexpr int kResponseGzipLevel = 4;

// Compresses a finished response for the client, in place, when all hold:
// the request is not HEAD and takes gzip (Accept-Encoding, q-values), the
// response has a body of its own in `body` (bytes shared with a cache or a
// file bring their own encodings, as the agenda does), at least
// kGzipMinBytes, no Content-Encoding yet, and a text type worth it (JSON,
// problem+json, CSV, plain text, SVG). Such a response gets `Vary:
// Accept-Encoding` whether or not this client takes gzip; its gzip form gets
// Content-Encoding and an ETag of its own ("…-gz" inside the quotes), and a
// GET whose If-None-Match names that ETag becomes a 304 without compressing.
// Returns true when the body was compressed. Thread-safety: a plain function.
bool gzip_response(const Request& request, Response& response);

}  // namespace plenary::http
