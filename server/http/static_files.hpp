#pragma once

#include <filesystem>
#include <string_view>

#include "http/message.hpp"

namespace plenary::http {

// Serves files below one root directory (owns nothing but the root's
// canonical path). Every way out of the root answers 404: "..", "." and
// encoded variants, encoded slashes and backslashes, NUL, dotfiles, and
// symbolic links whose target lies outside. Thread-safety: const; serve() may
// run on any thread.
class StaticFiles {
 public:
  // Throws std::runtime_error if `root` is not a directory.
  explicit StaticFiles(const std::filesystem::path& root);

  // GET/HEAD of `request.path()`. A path of the web app (is_app_route) that
  // names no file gets the root index.html. When the client's Accept-Encoding
  // takes it, a precompressed sibling ("X.br", then "X.gz") is sent instead,
  // with Content-Encoding, X's Content-Type, its own ETag ("…-br", "…-gz")
  // and `Vary: Accept-Encoding`. Files under /assets/ (named by their content)
  // are `immutable` for a year, all others `no-cache`. Throws ApiError 404 for
  // anything not served.
  Response serve(const Request& request) const;

  const std::filesystem::path& root() const noexcept { return root_; }

 private:
  std::filesystem::path root_;
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream if unknown.
std::string_view content_type_for(const std::filesystem::path& file) noexcept;

// True when an If-None-Match header value matches `etag` (weak comparison).
bool etag_matches(std::string_view if_none_match, std::string_view etag) noexcept;

}  // namespace plenary::http
