#pragma once

#include <string>
#include <string_view>

namespace plenary::http {

// `data` compressed as a gzip member (RFC 1952), via zlib.
std::string gzip(std::string_view data, int level = 6);

// How much Accept-Encoding wants `coding`, in thousandths (0 to 1000): the
// q-value of the coding's own entry if it is listed, else that of "*", else 0
// (refused). "x-gzip" counts as "gzip". A malformed q-value counts as 0.
unsigned coding_quality(std::string_view accept_encoding, std::string_view coding) noexcept;

// True when Accept-Encoding allows gzip (its own q > 0, or "*" with q > 0).
bool accepts_gzip(std::string_view accept_encoding) noexcept;
// True when Accept-Encoding allows Brotli ("br"), likewise.
bool accepts_br(std::string_view accept_encoding) noexcept;

}  // namespace plenary::http
