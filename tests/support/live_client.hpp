#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace plenary::test {

// A phone following live updates: a blocking WebSocket client to
// /api/v1/live on 127.0.0.1 whose every read has a deadline (a broken server
// fails, never hangs). Owns its socket and io_context. One thread.
class LiveClient {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer: a phone on a slow link.
  explicit LiveClient(unsigned short port, int receive_buffer = 0);
  ~LiveClient();
  LiveClient(const LiveClient&) = delete;
  LiveClient& operator=(const LiveClient&) = delete;

  void send(const nlohmann::json& message);
  // The next message; throws when the connection ends, or after `seconds` of silence.
  nlohmann::json receive(int seconds = 10);
  // The next message of `type`, skipping others (at most 100).
  nlohmann::json receive(const std::string& type, int seconds = 10);
  // The close code the server ended the connection with, after reading
  // whatever it sent first; 0 when it is still open (silent for 10 s).
  int read_until_closed();
  // Sends a subscribe request and returns the answer.
  nlohmann::json subscribe(const nlohmann::json& request);
  // Pings the server sent so far (each answered with a pong while reading).
  int pings() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace plenary::test
