#pragma once

#include <string>
#include <string_view>

namespace plenary::http {

// `data` compressed as a gzip member (RFC 1952), via zlib.
std::string gzip(std::string_view data, int level = 6);

// True when Accept-Encoding allows gzip (q > 0, or "*" with q > 0).
bool accepts_gzip(std::string_view accept_encoding) noexcept;

}  // namespace plenary::http
