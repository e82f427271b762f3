#include "http/response_gzip.hpp"

#include <array>
#include <string_view>

#include "http/gzip.hpp"
#include "http/static_files.hpp"

namespace plenary::http {
namespace {

constexpr std::array<std::string_view, 5> kCompressibleTypes{"application/json", "application/problem+json", "text/csv",
                                                             "text/plain", "image/svg+xml"};

bool compressible_type(std::string_view content_type) noexcept {
  const std::string_view media_type = trim_ows(content_type.substr(0, content_type.find(';')));
  for (std::string_view type : kCompressibleTypes) {
    if (iequals(media_type, type)) return true;
  }
  return false;
}

// True when a comma-separated header value lists `token` (any case).
bool lists_token(std::string_view list, std::string_view token) noexcept {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (iequals(trim_ows(list.substr(0, comma)), token)) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

void vary_on_accept_encoding(Headers& headers) {
  const auto vary = headers.get("Vary");
  if (!vary) {
    headers.set("Vary", "Accept-Encoding");
  } else if (!lists_token(*vary, "*") && !lists_token(*vary, "Accept-Encoding")) {
    headers.set("Vary", std::string(*vary) + ", Accept-Encoding");
  }
}

// "abc" -> "abc-gz", W/"abc" -> W/"abc-gz": the gzip form is another representation.
std::string gzip_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.back() == '"') return std::string(etag.substr(0, etag.size() - 1)) + "-gz\"";
  return std::string(etag) + "-gz";
}

}  // namespace

bool gzip_response(const Request& request, Response& response) {
  // Cheapest tests first: the hot paths (a cached agenda, HLS, small answers) leave here.
  if (request.method == Method::head || response.status < 200 || response.status == 204 || response.status == 304) {
    return false;
  }
  if (response.shared_body || response.body_file || response.body.size() < kGzipMinBytes) return false;
  if (response.headers.contains("Content-Encoding")) return false;
  const auto content_type = response.headers.get("Content-Type");
  if (!content_type || !compressible_type(*content_type)) return false;

  vary_on_accept_encoding(response.headers);
  if (!accepts_gzip(request.headers.get("Accept-Encoding").value_or(""))) return false;
  std::string etag;
  if (const auto identity_etag = response.headers.get("ETag")) {
    etag = gzip_etag(*identity_etag);
    // The handler compared If-None-Match with its own ETag; the client holds this one.
    const auto if_none_match = request.headers.get("If-None-Match");
    if (request.method == Method::get && response.status == 200 && if_none_match &&
        etag_matches(*if_none_match, etag)) {
      response.status = 304;
      response.body.clear();
      response.headers.set("ETag", std::move(etag));
      return false;
    }
  }
  std::string compressed = gzip(response.body, kResponseGzipLevel);
  if (compressed.size() >= response.body.size()) return false;  // nothing to gain: send it as it is
  response.body = std::move(compressed);
  response.headers.set("Content-Encoding", "gzip");
  if (!etag.empty()) response.headers.set("ETag", std::move(etag));
  return true;
}

}  // namespace plenary::http
