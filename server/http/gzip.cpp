#include "http/gzip.hpp"

#include <zlib.h>

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

namespace {

// An RFC 9110 qvalue ("0", "0.5", "1.000") in thousandths; -1 if malformed.
int parse_qvalue(std::string_view text) noexcept {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return -1;
  int value = text[0] == '1' ? 1000 : 0;
  if (text.size() == 1) return value;
  if (text[1] != '.' || text.size() > 5) return -1;
  int scale = 100;
  for (char digit : text.substr(2)) {
    if (digit < '0' || digit > '9') return -1;
    value += (digit - '0') * scale;
    scale /= 10;
  }
  return value > 1000 ? -1 : value;
}

// The weight of one Accept-Encoding entry's parameters ("q=0.5"); 1000 without one.
unsigned entry_quality(std::string_view parameters) noexcept {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    const std::string_view parameter = trim_ows(parameters.substr(0, semicolon));
    parameters = semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
      const int value = parse_qvalue(parameter.substr(2));
      return value < 0 ? 0 : static_cast<unsigned>(value);
    }
  }
  return 1000;
}

}  // namespace

unsigned coding_quality(std::string_view accept_encoding, std::string_view coding) noexcept {
  int star = -1;
  std::size_t start = 0;
  while (start < accept_encoding.size()) {
    std::size_t end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    const std::string_view item = trim_ows(accept_encoding.substr(start, end - start));
    start = end + 1;
    const auto semicolon = item.find(';');
    std::string_view name = trim_ows(item.substr(0, semicolon));
    if (iequals(name, "x-gzip")) name = "gzip";
    const std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon + 1);
    // The coding's own entry outranks "*" wherever each stands.
    if (iequals(name, coding)) return entry_quality(parameters);
    if (name == "*" && star < 0) star = static_cast<int>(entry_quality(parameters));
  }
  return star < 0 ? 0 : static_cast<unsigned>(star);
}

bool accepts_gzip(std::string_view accept_encoding) noexcept {
  return coding_quality(accept_encoding, "gzip") > 0;
}

bool accepts_br(std::string_view accept_encoding) noexcept {
  return coding_quality(accept_encoding, "br") > 0;
}

}  // namespace plenary::http
