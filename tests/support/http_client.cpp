#include "support/http_client.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace plenary::test {
namespace {

constexpr auto kReadDeadline = std::chrono::seconds(10);

}  // namespace

HttpClient::HttpClient(unsigned short port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

void HttpClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

bool HttpClient::fill(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out waiting for the server");
    pollfd waiting{fd_, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    char chunk[16384];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) return false;
      throw std::runtime_error(std::string("recv failed: ") + std::strerror(errno));
    }
    if (got == 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
}

HttpResult HttpClient::read_response(bool head) {
  const auto deadline = std::chrono::steady_clock::now() + kReadDeadline;
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) throw std::runtime_error("connection closed before a response header");
  }
  const std::string header = buffer_.substr(0, header_end);
  buffer_.erase(0, header_end + 4);

  HttpResult result;
  const auto first_line_end = header.find("\r\n");
  const std::string status_line = header.substr(0, first_line_end);
  if (!status_line.starts_with("HTTP/1.")) throw std::runtime_error("not an HTTP response: " + status_line);
  result.status = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
  std::size_t at = first_line_end == std::string::npos ? header.size() : first_line_end + 2;
  while (at < header.size()) {
    auto end = header.find("\r\n", at);
    if (end == std::string::npos) end = header.size();
    const std::string line = header.substr(at, end - at);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      result.headers.add(line.substr(0, colon), value);
    }
    at = end + 2;
  }

  const bool bodiless = head || result.status < 200 || result.status == 204 || result.status == 304;
  if (bodiless) return result;
  if (const auto length = result.headers.get("Content-Length")) {
    const std::size_t size = std::stoul(std::string(*length));
    while (buffer_.size() < size) {
      if (!fill(deadline)) throw std::runtime_error("connection closed inside a response body");
    }
    result.body = buffer_.substr(0, size);
    buffer_.erase(0, size);
  } else {
    while (fill(deadline)) {
    }
    result.body = std::move(buffer_);
    buffer_.clear();
  }
  return result;
}

HttpResult HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                               const HeaderList& headers) {
  std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n";
  text += body;
  send_raw(text);
  return read_response(method == "HEAD");
}

bool HttpClient::closed_within(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  try {
    while (fill(until)) {
    }
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

void HttpClient::reset() {
  const linger abort{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
  ::close(fd_);
  fd_ = -1;
}

HttpResult http_request(unsigned short port, std::string_view method, std::string_view target, std::string_view body,
                        const HeaderList& headers) {
  HttpClient client(port);
  return client.request(method, target, body, headers);
}

HeaderList json_headers(std::string_view token) {
  HeaderList headers{{"Content-Type", "application/json"}};
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(token));
  return headers;
}

}  // namespace plenary::test
