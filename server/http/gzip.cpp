#include "http/gzip.hpp"

#include <zlib.h>

#include <cstdlib>
#include <stdexcept>

#include "http/headers.hpp"

namespace plenary::http {

std::string gzip(std::string_view data, int level) {
  z_stream stream{};
  // 15 window bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const auto produced = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  out.resize(produced);
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) noexcept {
  std::size_t start = 0;
  while (start < accept_encoding.size()) {
    std::size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    const std::string_view item = trim_ows(accept_encoding.substr(start, end - start));
    start = end + 1;
    const auto semicolon = item.find(';');
    const std::string_view coding = trim_ows(item.substr(0, semicolon));
    if (!iequals(coding, "gzip") && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    const std::string_view parameter = trim_ows(item.substr(semicolon + 1));
    if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
      const std::string value(parameter.substr(2));
      return std::strtod(value.c_str(), nullptr) > 0;
    }
    return true;
  }
  return false;
}

}  // namespace plenary::http
