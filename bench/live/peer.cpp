// peer: the same fan-out as Plenary's live updates with nothing else around
// it, to show what the kernel and the load tool cost on this machine. Built
// by bench/live/run with g++; not part of the CMake build.
//
//   peer [--host 127.0.0.1]
//
// Listens on a free port and prints "port N" on stdout. A GET with
// "Upgrade: websocket" is answered 101; a text frame naming "subscribe" is
// answered {"type":"subscribed","channel":...,"seq":S}, a ping with a pong.
// Any other HTTP request, e.g. POST /broadcast?bytes=1200, makes one channel
// message of that many bytes with the next seq, frames it once and writes it
// to every subscriber at once, then answers 200 {"recipients":N}. The
// subscribers are split between one sending thread per core it may run on (as Plenary's
// hub splits them between its I/O threads), each a non-blocking send per
// subscriber in the order they subscribed; whatever a socket does not take
// at once is queued and sent by the event loop. Ends on SIGTERM.
//
// How the sends go, as Plenary's lanes send (LIVE_PEER_SENDS): "io_uring"
// (the default), 256 sends a system call; "send", one send(2) each.
// LIVE_PEER_ORDER=shuffled sends each message in a new random order instead
// of the order of subscription (an experiment: what the order costs).
//
// One event-loop thread, one epoll set, level-triggered; it raises its own
// open-file limit to the hard limit.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <liburing.h>

#include "websocket.hpp"

namespace {

[[noreturn]] void die(const std::string& what) {
  std::cerr << "peer: " << what << (errno != 0 ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(2);
}

// The CPUs this process may run on (as Plenary counts them for its I/O threads).
unsigned cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) > 0) return CPU_COUNT(&mask);
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string_view header(std::string_view head, std::string_view name) {
  std::size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    std::string_view line = head.substr(line_start, line_end - line_start);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.data(), name.data(), name.size()) == 0) {
      line.remove_prefix(name.size() + 1);
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      return line;
    }
    line_start = line_end;
  }
  return {};
}

std::string server_frame(std::uint8_t opcode, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>(0x80 | opcode);
  if (payload.size() < 126) {
    frame += static_cast<char>(payload.size());
  } else if (payload.size() < 65536) {
    frame += static_cast<char>(126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xff);
  } else {
    frame += static_cast<char>(127);
    for (int i = 7; i >= 0; --i)
      frame += static_cast<char>((static_cast<std::uint64_t>(payload.size()) >> (8 * i)) & 0xff);
  }
  frame += payload;
  return frame;
}

struct Connection {
  int fd = -1;
  bool websocket = false;
  bool subscribed = false;
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
};

volatile std::sig_atomic_t stopping = 0;

class Peer {
 public:
  void shuffle() { shuffled_ = true; }

  Peer(const std::string& host, bool io_uring) {
    if (io_uring) {
      rings_.resize(cores());
      for (auto& ring : rings_) {
        if (io_uring_queue_init(kBatch, &ring, 0) < 0) die("io_uring_queue_init");
      }
    }
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (epoll_ < 0 || listener_ < 0) die("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) die("bad host " + host);
    const int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) die("bind");
    if (::listen(listener_, 4096) != 0) die("listen");
    socklen_t size = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    add(listener_, kListener);
    std::printf("port %d\n", ntohs(address.sin_port));
    std::fflush(stdout);
  }

  void run() {
    std::vector<epoll_event> events(4096);
    while (!stopping) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int e = 0; e < n; ++e) {
        if (events[e].data.u64 == kListener) {
          accept_all();
          continue;
        }
        const std::size_t i = events[e].data.u64;
        if (connections_[i].fd < 0) continue;
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(i);
        if (connections_[i].fd >= 0 && (events[e].events & EPOLLOUT)) flush(i);
      }
    }
  }

 private:
  static constexpr std::uint64_t kListener = ~std::uint64_t{0};
  static constexpr std::size_t kBatch = 256;  // Plenary's turn
  static constexpr int kFlags = MSG_NOSIGNAL | MSG_DONTWAIT;

  void add(int fd, std::uint64_t key) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = key;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) die("epoll_ctl");
  }

  void accept_all() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
        if (errno == EMFILE || errno == ENFILE) die("accept (out of files)");
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      // Slots are never reused: subscribers_ may still name a closed one.
      const std::size_t i = connections_.size();
      connections_.emplace_back();
      connections_[i].fd = fd;
      add(fd, i);
    }
  }

  void close_connection(std::size_t i) {
    Connection& c = connections_[i];
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c = Connection{};
    set_watching_output(i, false);
  }

  void queue(std::size_t i, std::string_view bytes) {
    connections_[i].out.append(bytes);
    flush(i);
  }

  void flush(std::size_t i) {
    Connection& c = connections_[i];
    while (c.out_sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        return close_connection(i);
      }
      c.out_sent += static_cast<std::size_t>(n);
    }
    const bool pending = c.out_sent < c.out.size();
    if (!pending) {
      c.out.clear();
      c.out_sent = 0;
    }
    if (pending != watching_output(i)) {
      epoll_event event{};
      event.events = EPOLLIN | (pending ? EPOLLOUT : 0u);
      event.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
      set_watching_output(i, pending);
    }
  }

  bool watching_output(std::size_t i) const { return i < output_.size() && output_[i]; }
  void set_watching_output(std::size_t i, bool on) {
    if (output_.size() <= i) output_.resize(i + 1, false);
    output_[i] = on;
  }

  void receive(std::size_t i) {
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(connections_[i].fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        connections_[i].in.append(buffer, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buffer) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      return close_connection(i);
    }
    if (connections_[i].websocket) {
      frames(i);
    } else {
      requests(i);
    }
  }

  void requests(std::size_t i) {
    Connection& c = connections_[i];
    for (;;) {
      const std::size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = c.in.substr(0, end);
      if (strncasecmp(std::string(header(head, "Upgrade")).c_str(), "websocket", 9) == 0) {
        const std::string accept = bench_live::websocket_accept(std::string(header(head, "Sec-WebSocket-Key")));
        c.in.erase(0, end + 4);
        c.websocket = true;
        queue(i,
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: " +
                  accept + "\r\n\r\n");
        if (connections_[i].fd >= 0 && !connections_[i].in.empty()) frames(i);
        return;
      }
      const std::size_t length = std::strtoul(std::string(header(head, "Content-Length")).c_str(), nullptr, 10);
      if (c.in.size() < end + 4 + length) return;
      c.in.erase(0, end + 4 + length);
      std::size_t bytes = 1200;
      if (const std::size_t at = head.find("bytes="); at != std::string::npos) {
        bytes = std::strtoul(head.c_str() + at + 6, nullptr, 10);
      }
      const std::size_t recipients = broadcast(bytes);
      const std::string body = "{\"recipients\":" + std::to_string(recipients) + "}";
      queue(i, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                   "\r\n\r\n" + body);
      if (connections_[i].fd < 0) return;
    }
  }

  std::size_t broadcast(std::size_t bytes) {
    ++seq_;
    std::string text = "{\"type\":\"session.updated\",\"channel\":\"" + channel_ +
                       "\",\"seq\":" + std::to_string(seq_) +
                       ",\"at\":\"2026-11-22T09:00:00+07:00\",\"data\":{\"pad\":\"";
    const std::string close = "\"}}";
    if (text.size() + close.size() < bytes) text.append(bytes - text.size() - close.size(), 'x');
    text += close;
    const std::string frame = server_frame(0x1, text);
    std::vector<std::size_t> to;
    std::size_t recipients = 0;
    for (const std::size_t i : subscribers_) {
      // One with bytes still queued gets this in turn, from the loop.
      if (connections_[i].fd < 0 || !connections_[i].subscribed) continue;
      ++recipients;
      if (connections_[i].out_sent < connections_[i].out.size()) {
        queue(i, frame);
      } else {
        to.push_back(i);
      }
    }
    if (shuffled_) std::shuffle(to.begin(), to.end(), random_);
    // Each thread: its share of sockets, and how much of the frame each took.
    const unsigned threads = cores();
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> partial(threads);
    std::vector<std::thread> senders;
    for (unsigned t = 0; t < threads; ++t) {
      senders.emplace_back([&, t] {
        std::vector<std::size_t> mine;
        for (std::size_t k = t; k < to.size(); k += threads) mine.push_back(to[k]);
        const auto took = [&](std::size_t i, ssize_t n) {
          if (n != static_cast<ssize_t>(frame.size())) partial[t].emplace_back(i, n < 0 ? 0 : n);
        };
        if (rings_.empty()) {
          for (const std::size_t i : mine) took(i, ::send(connections_[i].fd, frame.data(), frame.size(), kFlags));
          return;
        }
        io_uring& ring = rings_[t];
        for (std::size_t from = 0; from < mine.size(); from += kBatch) {
          const std::size_t count = std::min(kBatch, mine.size() - from);
          for (std::size_t k = 0; k < count; ++k) {
            io_uring_sqe* sqe = io_uring_get_sqe(&ring);
            io_uring_prep_send(sqe, connections_[mine[from + k]].fd, frame.data(), frame.size(), kFlags);
            io_uring_sqe_set_data64(sqe, from + k);
          }
          // MSG_DONTWAIT: every send completes within the submit.
          if (io_uring_submit_and_wait(&ring, static_cast<unsigned>(count)) < 0) die("io_uring_submit_and_wait");
          io_uring_cqe* cqe = nullptr;
          unsigned head = 0;
          unsigned seen = 0;
          io_uring_for_each_cqe(&ring, head, cqe) {
            ++seen;
            took(mine[io_uring_cqe_get_data64(cqe)], cqe->res);
          }
          io_uring_cq_advance(&ring, seen);
        }
      });
    }
    for (auto& sender : senders) sender.join();
    for (const auto& list : partial) {
      for (const auto& [i, sent] : list) queue(i, std::string_view(frame).substr(sent));
    }
    return recipients;
  }

  void frames(std::size_t i) {
    std::size_t offset = 0;
    for (;;) {
      Connection& c = connections_[i];
      const std::size_t available = c.in.size() - offset;
      if (available < 2) break;
      const auto* p = reinterpret_cast<const unsigned char*>(c.in.data() + offset);
      const int opcode = p[0] & 0x0f;
      const bool masked = p[1] & 0x80;
      std::uint64_t length = p[1] & 0x7f;
      std::size_t head = 2;
      if (length == 126) {
        if (available < 4) break;
        length = (std::uint64_t{p[2]} << 8) | p[3];
        head = 4;
      } else if (length == 127) {
        return close_connection(i);  // nobody sends this much here
      }
      const std::size_t key_at = head;
      if (masked) head += 4;
      if (available < head + length) break;
      std::string payload(c.in.data() + offset + head, static_cast<std::size_t>(length));
      if (masked) {
        for (std::size_t k = 0; k < payload.size(); ++k) payload[k] ^= static_cast<char>(p[key_at + k % 4]);
      }
      offset += head + static_cast<std::size_t>(length);
      if (opcode == 0x8) {
        queue(i, server_frame(0x8, payload.substr(0, 2)));
        return close_connection(i);
      }
      if (opcode == 0x9) {
        queue(i, server_frame(0xA, payload));
      } else if (opcode == 0x1 && payload.find("\"subscribe\"") != std::string::npos) {
        if (!c.subscribed) {
          c.subscribed = true;
          subscribers_.push_back(i);
        }
        queue(i, server_frame(0x1, "{\"type\":\"subscribed\",\"channel\":\"" + channel_ +
                                       "\",\"seq\":" + std::to_string(seq_) + "}"));
      }
      if (connections_[i].fd < 0) return;
    }
    connections_[i].in.erase(0, offset);
  }

  std::vector<io_uring> rings_;  // one per sending thread; none: send(2)
  bool shuffled_ = false;
  std::minstd_rand random_{42};
  int epoll_ = -1;
  int listener_ = -1;
  std::vector<Connection> connections_;
  std::vector<bool> output_;
  std::vector<std::size_t> subscribers_;
  std::string channel_ = "event:somri-21";
  std::int64_t seq_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--host" && i + 1 < argc) {
      host = argv[++i];
    } else {
      errno = 0;
      die("usage: peer [--host H]");
    }
  }
  std::signal(SIGTERM, [](int) { stopping = 1; });
  std::signal(SIGINT, [](int) { stopping = 1; });
  const char* sends = std::getenv("LIVE_PEER_SENDS");
  const std::string how = sends != nullptr && *sends != '\0' ? sends : "io_uring";
  if (how != "io_uring" && how != "send") {
    errno = 0;
    die("LIVE_PEER_SENDS is io_uring or send, not " + how);
  }
  Peer peer(host, how == "io_uring");
  if (const char* order = std::getenv("LIVE_PEER_ORDER"); order != nullptr && std::string_view(order) == "shuffled") {
    peer.shuffle();
  }
  peer.run();
  return 0;
}
