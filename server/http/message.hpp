#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "http/headers.hpp"
#include "http/method.hpp"

namespace plenary::http {

class BodyFile;

// A request as the network layer hands it over: independent of Beast, so
// handlers and their tests need no socket and no Beast headers.
struct Request {
  Method method = Method::get;
  std::string method_text = "GET";
  std::string target = "/";  // as sent: path plus optional ?query, still percent-encoded
  Headers headers;
  std::string body;
  std::string remote_address;
  std::chrono::steady_clock::time_point received_at = std::chrono::steady_clock::now();

  std::string_view path() const;          // target up to '?'
  std::string_view query_string() const;  // after '?', or empty
};

struct Response {
  unsigned status = 200;
  Headers headers;
  std::string body;
  // Set instead of `body` to send bytes shared with a cache, without a copy:
  // from memory, or from an in-memory file with sendfile(2).
  std::shared_ptr<const std::string> shared_body;
  std::shared_ptr<const BodyFile> body_file;
  // Set for HEAD: the length the GET would have had, sent as Content-Length
  // while the body stays empty.
  std::optional<std::size_t> head_content_length;

  // The body's bytes when they are in memory (empty for a body_file).
  std::string_view body_view() const noexcept { return shared_body ? std::string_view(*shared_body) : body; }
  std::size_t body_size() const noexcept;
};

Response json_response(unsigned status, const nlohmann::json& body);
Response text_response(unsigned status, std::string body, std::string content_type);
Response empty_response(unsigned status);

}  // namespace plenary::http
