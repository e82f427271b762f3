// loadgen: holds N live-update WebSocket connections, each subscribed to one
// channel, and records when each channel message arrives. Built by
// bench/live/run with g++; not part of the CMake build.
//
//   loadgen --port P --first-id F --connections N --sources A,B,...
//           [--host 127.0.0.1] [--channel event:somri-21] [--in-flight 64]
//           [--setup-seconds 60] [--out FILE]
//
// Connection ids F..F+N-1; connection i binds its source address to
// sources[i % count] (the server admits at most 2,000 live connections per
// address), upgrades GET /api/v1/live, sends {"type":"subscribe",...} and
// waits for {"type":"subscribed","seq":S}. At most --in-flight connections
// are between connect() and "subscribed" at once. When every connection is
// subscribed or has failed, one line goes to stdout:
//
//   ready <subscribed> <failed> <lowest subscribed seq> <highest subscribed seq>
//
// From then on every channel message is recorded with its seq and its
// CLOCK_MONOTONIC receipt time (the clock every process on the machine
// shares). When standard input reaches end of file, FILE gets one line per
// connection and one per message:
//
//   C <id> <subscribed seq or -1> <state> <close code> <failure or ->
//   M <id> <seq> <receipt ns> <type> <payload bytes>
//
// and one JSON line of counts goes to stdout.
//
// A minimal RFC 6455 client: client frames masked, server frames unmasked
// (a masked one is a protocol error), fragments reassembled, ping answered
// with pong, a close frame echoed. One thread, one epoll set,
// level-triggered. It shares the cores with the server, so bench/live/run
// reports its CPU time next to the server's.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "websocket.hpp"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24  // linux/in.h; glibc's netinet/in.h lacks it
#endif

namespace {

using bench_live::base64;
using bench_live::websocket_accept;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "loadgen: " << what << (errno != 0 ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(2);
}

std::int64_t monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Mask keys and handshake keys need not be secret here, only varied.
std::uint64_t random_state = 0x9E3779B97F4A7C15ull;
std::uint32_t next_random() {
  random_state ^= random_state << 13;
  random_state ^= random_state >> 7;
  random_state ^= random_state << 17;
  return static_cast<std::uint32_t>(random_state);
}

// A masked client frame.
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  if (payload.size() < 126) {
    frame += static_cast<char>(0x80 | payload.size());
  } else if (payload.size() < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i)
      frame += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> (8 * i)) & 0xff);
  }
  const std::uint32_t mask = next_random();
  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16), static_cast<char>(mask >> 8),
                       static_cast<char>(mask)};
  frame.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ key[i % 4]);
  return frame;
}

// The string value of "name" at the top of a compact JSON object: the
// server's messages put "type", "channel" and "seq" before "data", so the
// first occurrence is the top-level one.
std::string_view json_string(std::string_view text, std::string_view name) {
  const std::string key = "\"" + std::string(name) + "\":\"";
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + key.size();
  const std::size_t end = text.find('"', start);
  return end == std::string_view::npos ? std::string_view{} : text.substr(start, end - start);
}

bool json_integer(std::string_view text, std::string_view name, std::int64_t& value) {
  const std::string key = "\"" + std::string(name) + "\":";
  const std::size_t at = text.find(key);
  if (at == std::string_view::npos) return false;
  const std::string digits(text.substr(at + key.size(), 20));
  char* end = nullptr;
  value = std::strtoll(digits.c_str(), &end, 10);
  return end != digits.c_str();
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i]))) {
      return false;
    }
  }
  return true;
}

// --- the load ----------------------------------------------------------------

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  long first_id = 0;
  long connections = 0;
  std::vector<std::string> sources;
  std::string channel = "event:somri-21";
  long in_flight = 64;
  double setup_seconds = 60;
  std::string out;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--host") {
      options.host = value();
    } else if (arg == "--port") {
      options.port = std::stoi(value());
    } else if (arg == "--first-id") {
      options.first_id = std::stol(value());
    } else if (arg == "--connections") {
      options.connections = std::stol(value());
    } else if (arg == "--sources") {
      const std::string list = value();
      std::size_t start = 0;
      for (;;) {
        const std::size_t comma = list.find(',', start);
        options.sources.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (arg == "--channel") {
      options.channel = value();
    } else if (arg == "--in-flight") {
      options.in_flight = std::stol(value());
    } else if (arg == "--setup-seconds") {
      options.setup_seconds = std::stod(value());
    } else if (arg == "--out") {
      options.out = value();
    } else {
      die("unknown option " + arg);
    }
  }
  if (options.port <= 0 || options.connections <= 0 || options.sources.empty() || options.in_flight <= 0) {
    errno = 0;
    die("usage: loadgen --port P --first-id F --connections N --sources A,B,... [--host H] [--channel C] "
        "[--in-flight K] [--setup-seconds S] [--out FILE]");
  }
  return options;
}

enum class State { idle, connecting, upgrading, subscribing, subscribed, closed };

const char* state_name(State state) {
  switch (state) {
    case State::idle: return "idle";
    case State::connecting: return "connecting";
    case State::upgrading: return "upgrading";
    case State::subscribing: return "subscribing";
    case State::subscribed: return "subscribed";
    case State::closed: return "closed";
  }
  return "?";
}

struct Connection {
  int fd = -1;
  State state = State::idle;
  bool was_subscribed = false;
  std::string accept;  // the Sec-WebSocket-Accept the server must send
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
  bool watching_output = false;  // EPOLLOUT is in its epoll registration
  std::string message;  // a fragmented data message being reassembled
  std::int64_t subscribed_seq = -1;
  int close_code = 0;
  std::string failure;
};

struct Receipt {
  std::uint32_t connection;
  std::int64_t seq;
  std::int64_t at_ns;      // CLOCK_MONOTONIC when this tool read it
  std::int64_t kernel_ns;  // CLOCK_REALTIME when the client's TCP received it (SO_TIMESTAMPNS), or 0
  std::uint32_t type;  // index into Load::types_
  std::size_t bytes;
};

class Load {
 public:
  explicit Load(Options options) : options_(std::move(options)) {
    random_state ^= static_cast<std::uint64_t>(monotonic_ns()) * 0x2545F4914F6CDD1Dull ^
                    static_cast<std::uint64_t>(options_.first_id);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) die("epoll_create1");
    connections_.resize(static_cast<std::size_t>(options_.connections));
    server_.sin_family = AF_INET;
    server_.sin_port = htons(static_cast<std::uint16_t>(options_.port));
    if (inet_pton(AF_INET, options_.host.c_str(), &server_.sin_addr) != 1) die("bad host " + options_.host);
    for (const auto& source : options_.sources) {
      sockaddr_in address{};
      address.sin_family = AF_INET;
      if (inet_pton(AF_INET, source.c_str(), &address.sin_addr) != 1) die("bad source address " + source);
      sources_.push_back(address);
    }
    const int flags = fcntl(STDIN_FILENO, F_GETFL);
    fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kStdin;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, STDIN_FILENO, &event) != 0) die("epoll_ctl stdin");
  }

  void run() {
    const std::int64_t started = monotonic_ns();
    const std::int64_t setup_deadline = started + static_cast<std::int64_t>(options_.setup_seconds * 1e9);
    while (next_to_open_ < connections_.size() && pending_ < options_.in_flight) open(next_to_open_++);
    std::vector<epoll_event> events(4096);
    while (!stdin_closed_) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), ready_ ? -1 : 200);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int e = 0; e < n; ++e) {
        if (events[e].data.u64 == kStdin) {
          read_stdin();
          continue;
        }
        const std::size_t i = events[e].data.u64;
        Connection& c = connections_[i];
        if (c.fd < 0) continue;
        if (c.state == State::connecting) {
          int error = 0;
          socklen_t size = sizeof error;
          getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
          if (error != 0) {
            fail(i, std::string("connect: ") + std::strerror(error));
            continue;
          }
          c.state = State::upgrading;
          send_upgrade(i);
          continue;
        }
        const int fd = c.fd;
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(i);
        if (c.fd == fd && (events[e].events & EPOLLOUT)) flush(i);
      }
      if (!ready_) {
        if (monotonic_ns() > setup_deadline) {
          setup_over_ = true;
          for (std::size_t i = 0; i < connections_.size(); ++i) {
            const State s = connections_[i].state;
            if (s == State::connecting || s == State::upgrading || s == State::subscribing) {
              fail(i, std::string("no answer while ") + state_name(s));
            } else if (s == State::idle) {
              connections_[i].state = State::closed;
              connections_[i].failure = "never opened (setup time over)";
              ++failed_;
            }
          }
        }
        if (subscribed_ + failed_ == static_cast<long>(connections_.size())) announce_ready(started);
      }
    }
  }

  void write_records(const std::string& path) const {
    std::ofstream file(path);
    if (!file) die("cannot write " + path);
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      const Connection& c = connections_[i];
      file << "C " << options_.first_id + static_cast<long>(i) << ' ' << c.subscribed_seq << ' ' << state_name(c.state)
           << ' ' << c.close_code << ' ' << (c.failure.empty() ? "-" : c.failure) << '\n';
    }
    for (const auto& r : receipts_) {
      file << "M " << options_.first_id + static_cast<long>(r.connection) << ' ' << r.seq << ' ' << r.at_ns << ' '
           << (types_[r.type].empty() ? "?" : types_[r.type]) << ' ' << r.bytes << ' ' << r.kernel_ns << '\n';
    }
  }

  void print_summary() const {
    long closed_after_ready = 0;
    std::map<std::string, long> failures;
    for (const auto& c : connections_) {
      if (c.was_subscribed && c.state == State::closed) ++closed_after_ready;
      if (!c.failure.empty()) {
        std::string reason = c.failure;
        for (char& ch : reason) {
          if (ch == '"' || ch == '\\') ch = '\'';
        }
        ++failures[reason];
      }
    }
    std::printf(
        "{\"connections\":%zu,\"subscribed\":%ld,\"setup_failed\":%ld,\"closed_after_ready\":%ld,"
        "\"messages\":%zu,\"pings\":%ld,\"setup_seconds\":%.3f,\"failures\":{",
        connections_.size(), subscribed_, failed_, closed_after_ready, receipts_.size(), pings_, setup_seconds_);
    bool first = true;
    for (const auto& [reason, count] : failures) {
      std::printf("%s\"%s\":%ld", first ? "" : ",", reason.c_str(), count);
      first = false;
    }
    std::printf("}}\n");
    std::fflush(stdout);
  }

 private:
  static constexpr std::uint64_t kStdin = ~std::uint64_t{0};

  void announce_ready(std::int64_t started) {
    ready_ = true;
    setup_seconds_ = static_cast<double>(monotonic_ns() - started) / 1e9;
    std::int64_t low = -1, high = -1;
    for (const auto& c : connections_) {
      if (c.state != State::subscribed) continue;
      if (low < 0 || c.subscribed_seq < low) low = c.subscribed_seq;
      if (c.subscribed_seq > high) high = c.subscribed_seq;
    }
    std::printf("ready %ld %ld %lld %lld\n", subscribed_, failed_, static_cast<long long>(low),
                static_cast<long long>(high));
    std::fflush(stdout);
  }

  void read_stdin() {
    char buffer[256];
    for (;;) {
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n > 0) continue;  // nothing is said on stdin but its end
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      stdin_closed_ = true;
      epoll_ctl(epoll_, EPOLL_CTL_DEL, STDIN_FILENO, nullptr);
      return;
    }
  }

  void open(std::size_t i) {
    Connection& c = connections_[i];
    c.state = State::connecting;
    ++pending_;
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) die("socket");
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Each read says when the kernel received its (last) segment: the time a
    // message reached the client, apart from when this tool got the CPU to read it.
    setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    // The port is then picked at connect(), per destination, not per source address.
    setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const std::size_t id = static_cast<std::size_t>(options_.first_id) + i;
    const sockaddr_in& source = sources_[id % sources_.size()];
    if (::bind(c.fd, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
      return fail(i, std::string("bind: ") + std::strerror(errno));
    }
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_) != 0 && errno != EINPROGRESS) {
      return fail(i, std::string("connect: ") + std::strerror(errno));
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;  // writable: connected
    event.data.u64 = i;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event) != 0) die("epoll_ctl");
    c.watching_output = true;
  }

  // Connection i left setup (subscribed or failed): let the next one start.
  void settled() {
    --pending_;
    while (!setup_over_ && next_to_open_ < connections_.size() && pending_ < options_.in_flight) open(next_to_open_++);
  }

  void fail(std::size_t i, std::string reason) {
    Connection& c = connections_[i];
    if (c.state == State::closed) return;
    const bool in_setup = c.state == State::connecting || c.state == State::upgrading || c.state == State::subscribing;
    if (c.failure.empty()) c.failure = std::move(reason);
    for (char& ch : c.failure) {
      if (ch == ' ' || ch == '\n' || ch == '\r') ch = '_';
    }
    if (c.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      ::close(c.fd);
      c.fd = -1;
    }
    c.state = State::closed;
    if (in_setup) {
      ++failed_;
      settled();
    }
  }

  void send_upgrade(std::size_t i) {
    Connection& c = connections_[i];
    std::uint8_t nonce[16];
    for (int k = 0; k < 16; k += 4) {
      const std::uint32_t r = next_random();
      std::memcpy(nonce + k, &r, 4);
    }
    const std::string key = base64(nonce, sizeof nonce);
    c.accept = websocket_accept(key);
    queue(i, "GET /api/v1/live HTTP/1.1\r\nHost: " + options_.host + ":" + std::to_string(options_.port) +
                 "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
                 "\r\nSec-WebSocket-Version: 13\r\n\r\n");
  }

  void queue(std::size_t i, std::string_view bytes) {
    Connection& c = connections_[i];
    c.out.append(bytes);
    flush(i);
  }

  void flush(std::size_t i) {
    Connection& c = connections_[i];
    while (c.out_sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return fail(i, std::string("send: ") + std::strerror(errno));
      }
      c.out_sent += static_cast<std::size_t>(n);
    }
    if (c.out_sent == c.out.size()) {
      c.out.clear();
      c.out_sent = 0;
    }
    // Only when it changes: a pong answered at once costs no epoll_ctl.
    if (c.watching_output == !c.out.empty()) return;
    c.watching_output = !c.out.empty();
    epoll_event event{};
    event.events = EPOLLIN | (c.watching_output ? EPOLLOUT : 0u);
    event.data.u64 = i;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
  }

  void receive(std::size_t i) {
    Connection& c = connections_[i];
    char buffer[65536];
    bool got = false;
    std::int64_t at = 0;
    for (;;) {
      iovec data{buffer, sizeof buffer};
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
      msghdr message{};
      message.msg_iov = &data;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof control;
      const ssize_t n = ::recvmsg(c.fd, &message, 0);
      if (n > 0) {
        if (!got) at = monotonic_ns();  // the receipt time of every frame in this read
        got = true;
        kernel_at_ = 0;
        for (cmsghdr* cm = CMSG_FIRSTHDR(&message); cm != nullptr; cm = CMSG_NXTHDR(&message, cm)) {
          if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
            timespec stamp{};
            std::memcpy(&stamp, CMSG_DATA(cm), sizeof stamp);
            kernel_at_ = static_cast<std::int64_t>(stamp.tv_sec) * 1'000'000'000 + stamp.tv_nsec;
          }
        }
        if (c.in.empty() && c.state != State::upgrading) {
          // Whole frames straight from the buffer; only a partial one is kept.
          const std::size_t used = frames(i, std::string_view(buffer, static_cast<std::size_t>(n)), at);
          if (c.state == State::closed) return;
          c.in.append(buffer + used, static_cast<std::size_t>(n) - used);
        } else {
          c.in.append(buffer, static_cast<std::size_t>(n));
          parse(i, at);
          if (c.state == State::closed) return;
        }
        if (static_cast<std::size_t>(n) < sizeof buffer) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (c.state != State::closed) {
        fail(i, n == 0 ? (c.close_code != 0 ? "closed_by_server" : "connection_closed_without_close_frame")
                       : std::string("recv: ") + std::strerror(errno));
      }
      return;
    }
  }

  void parse(std::size_t i, std::int64_t at) {
    Connection& c = connections_[i];
    if (c.state == State::upgrading) {
      const std::size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string_view head(c.in.data(), end);
      if (head.size() < 12 || head.substr(0, 9) != "HTTP/1.1 ") return fail(i, "bad_handshake_answer");
      const std::string status(head.substr(9, 3));
      if (status != "101") return fail(i, "HTTP " + status);
      bool accepted = false;
      std::size_t line_start = head.find("\r\n");
      while (line_start != std::string_view::npos) {
        line_start += 2;
        const std::size_t line_end = head.find("\r\n", line_start);
        std::string_view line = head.substr(line_start, line_end - line_start);
        if (iequals_prefix(line, "sec-websocket-accept:")) {
          line.remove_prefix(21);
          while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
          while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
          accepted = line == c.accept;
        }
        line_start = line_end;
      }
      if (!accepted) return fail(i, "wrong_Sec-WebSocket-Accept");
      c.in.erase(0, end + 4);
      c.state = State::subscribing;
      queue(i, client_frame(0x1, "{\"type\":\"subscribe\",\"channel\":\"" + options_.channel + "\"}"));
      if (c.state == State::closed) return;
    }
    const std::size_t used = frames(i, c.in, at);
    if (c.state == State::closed) return;
    c.in.erase(0, used);
  }

  // Handles the whole frames at the start of `data`; the bytes they took.
  std::size_t frames(std::size_t i, std::string_view data, std::int64_t at) {
    Connection& c = connections_[i];
    std::size_t offset = 0;
    while (data.size() - offset >= 2) {
      const auto* p = reinterpret_cast<const unsigned char*>(data.data() + offset);
      const bool fin = p[0] & 0x80;
      const int opcode = p[0] & 0x0f;
      if (p[1] & 0x80) {
        fail(i, "masked_server_frame");
        return offset;
      }
      std::uint64_t length = p[1] & 0x7f;
      std::size_t header = 2;
      const std::size_t available = data.size() - offset;
      if (length == 126) {
        if (available < 4) break;
        length = (std::uint64_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (length == 127) {
        if (available < 10) break;
        length = 0;
        for (int k = 0; k < 8; ++k) length = (length << 8) | p[2 + k];
        header = 10;
      }
      if (available < header + length) break;
      const std::string_view payload = data.substr(offset + header, static_cast<std::size_t>(length));
      offset += header + static_cast<std::size_t>(length);
      if (opcode == 0x9) {  // ping
        ++pings_;
        queue(i, client_frame(0xA, payload));
      } else if (opcode == 0xA) {  // pong
      } else if (opcode == 0x8) {  // close: echo it, then the server closes the TCP connection
        c.close_code = payload.size() >= 2
                           ? (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1])
                           : 1005;
        queue(i, client_frame(0x8, payload.substr(0, std::min<std::size_t>(payload.size(), 2))));
        fail(i, "close_frame_" + std::to_string(c.close_code) + "_" +
                    std::string(payload.size() > 2 ? payload.substr(2) : std::string_view{}));
        return offset;
      } else if (opcode == 0x0 || opcode == 0x1 || opcode == 0x2) {
        if (fin && c.message.empty()) {
          on_message(i, payload, at);  // a whole message in one frame: no copy
        } else {
          c.message.append(payload);
          if (fin) {
            on_message(i, c.message, at);
            c.message.clear();
          }
        }
      } else {
        fail(i, "unknown_opcode_" + std::to_string(opcode));
        return offset;
      }
      if (c.state == State::closed) return offset;
    }
    return offset;
  }

  void on_message(std::size_t i, std::string_view text, std::int64_t at) {
    Connection& c = connections_[i];
    const std::string_view type = json_string(text, "type");
    if (c.state == State::subscribing) {
      std::int64_t seq = 0;
      if (type == "subscribed" && json_integer(text, "seq", seq)) {
        c.state = State::subscribed;
        c.was_subscribed = true;
        c.subscribed_seq = seq;
        ++subscribed_;
        settled();
        return;
      }
      return fail(i, "answer_to_subscribe:" + std::string(text.substr(0, 120)));
    }
    if (type == "pong") return;
    if (type == "error" || type == "refetch" || type == "subscribed") {
      // Not expected once subscribed: kept as a receipt with seq -1 so the driver counts it.
      receipts_.push_back({static_cast<std::uint32_t>(i), -1, at, kernel_at_, type_index(type), text.size()});
      return;
    }
    std::int64_t seq = -1;
    json_integer(text, "seq", seq);
    receipts_.push_back({static_cast<std::uint32_t>(i), seq, at, kernel_at_, type_index(type), text.size()});
  }

  // The few message types seen, each stored once (no allocation a message).
  std::uint32_t type_index(std::string_view type) {
    for (std::size_t k = 0; k < types_.size(); ++k) {
      if (types_[k] == type) return static_cast<std::uint32_t>(k);
    }
    types_.emplace_back(type);
    return static_cast<std::uint32_t>(types_.size() - 1);
  }

  Options options_;
  std::vector<sockaddr_in> sources_;
  sockaddr_in server_{};
  std::vector<Connection> connections_;
  std::vector<Receipt> receipts_;
  std::int64_t kernel_at_ = 0;  // the current read's SO_TIMESTAMPNS (its last segment's), or 0
  std::vector<std::string> types_;
  int epoll_ = -1;
  std::size_t next_to_open_ = 0;
  long pending_ = 0, subscribed_ = 0, failed_ = 0, pings_ = 0;
  bool ready_ = false, stdin_closed_ = false, setup_over_ = false;
  double setup_seconds_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--self-test") {
    // RFC 6455 section 1.3's example.
    const bool ok = websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    std::printf("%s\n", ok ? "ok" : "sha1/base64 broken");
    return ok ? 0 : 1;
  }
  Options options = parse_options(argc, argv);
  const std::string out = options.out;
  Load load(std::move(options));
  load.run();
  if (!out.empty()) load.write_records(out);
  load.print_summary();
  return 0;
}
