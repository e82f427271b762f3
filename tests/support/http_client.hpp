#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/headers.hpp"

namespace plenary::test {

struct HttpResult {
  unsigned status = 0;
  http::Headers headers;
  std::string body;

  std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A blocking HTTP/1.1 client on one TCP connection to 127.0.0.1, written
// against plain sockets so tests can also send malformed or partial bytes.
// Every read has a deadline (10 s by default): a broken server fails a test
// instead of hanging it. Owns the socket. Thread-safety: one thread.
class HttpClient {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer (a slow phone).
  explicit HttpClient(unsigned short port, int receive_buffer = 0);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult request(std::string_view method, std::string_view target, std::string_view body = {},
                     const HeaderList& headers = {});
  // Sends bytes as they are.
  void send_raw(std::string_view bytes);
  // Reads one response; `head` when it answers a HEAD request.
  HttpResult read_response(bool head = false);
  // True when the server closes the connection before `deadline` passes.
  bool closed_within(std::chrono::milliseconds deadline);
  // Closes with a reset (SO_LINGER 0), as a phone that vanishes mid-answer.
  void reset();

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResult http_request(unsigned short port, std::string_view method, std::string_view target,
                        std::string_view body = {}, const HeaderList& headers = {});
HeaderList json_headers(std::string_view token = {});

}  // namespace plenary::test
