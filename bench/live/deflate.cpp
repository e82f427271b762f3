// deflate: what permessage-deflate (RFC 7692) would cost and save on
// Plenary's live connections, for the decision whether to offer it. Built
// by bench/live/deflate-run with g++ against Debian's Boost and zlib; not part
// of the CMake build.
//
//   deflate MESSAGE.json [MESSAGE.json ...] [--connections N]
//
// Memory: N WebSocket connections accepted by Beast's websocket::stream (the
// server side Plenary uses) over loopback from bare clients in the same
// process, first without the extension, then with it negotiated with Beast's
// defaults (window 2^15, memory level 4, compression level 8), then with
// no context takeover both ways. After each set is open and idle, and again
// after the server sent each client the messages given (and the clients
// read them), the process's resident memory is read: the difference from the
// set without the extension, over N, is what the extension costs a
// connection. The clients keep no inflater; their part is the same in each set.
//
// Bytes: the messages given, as sent without the extension, compressed one by
// one (no context takeover: each message alone) and as a stream (context
// takeover: each message may refer to the ones before), with zlib set as
// Beast sets it.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;

[[noreturn]] void die(const std::string& what) {
  std::cerr << "deflate: " << what << "\n";
  std::exit(1);
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// zlib as Beast's permessage-deflate sets it: raw deflate, window 2^15,
// memory level 4, level 8; a message ends with a sync flush whose 4 trailing
// bytes (00 00 ff ff) are not sent (RFC 7692 7.2.1).
class Deflater {
 public:
  Deflater() {
    if (deflateInit2(&stream_, 8, Z_DEFLATED, -15, 4, Z_DEFAULT_STRATEGY) != Z_OK) die("deflateInit2");
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::size_t compressed_size(const std::string& text) {
    std::string out(deflateBound(&stream_, text.size()) + 16, '\0');
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    stream_.avail_in = static_cast<uInt>(text.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&stream_, Z_SYNC_FLUSH) != Z_OK) die("deflate");
    return out.size() - stream_.avail_out - 4;
  }
  void reset() { deflateReset(&stream_); }

 private:
  z_stream stream_{};
};

// A frame's header size for a payload of `n` bytes from a server.
std::size_t header(std::size_t n) { return n < 126 ? 2 : n <= 0xffff ? 4 : 10; }

struct Pair {
  std::unique_ptr<websocket::stream<tcp::socket>> server;
  tcp::socket client;
  explicit Pair(asio::io_context& io) : client(io) {}
};

enum class Mode { plain, deflate, deflate_no_takeover };

const char* name(Mode mode) {
  switch (mode) {
    case Mode::plain: return "without the extension";
    case Mode::deflate: return "permessage-deflate, context takeover";
    case Mode::deflate_no_takeover: return "permessage-deflate, no context takeover";
  }
  return "?";
}

// Opens `n` connections in `mode`; returns them open and idle.
std::vector<std::unique_ptr<Pair>> open(asio::io_context& io, tcp::acceptor& acceptor, std::size_t n, Mode mode) {
  std::vector<std::unique_ptr<Pair>> pairs;
  for (std::size_t i = 0; i < n; ++i) {
    auto pair = std::make_unique<Pair>(io);
    pair->client.connect(acceptor.local_endpoint());
    pair->server = std::make_unique<websocket::stream<tcp::socket>>(acceptor.accept());
    websocket::permessage_deflate options;
    options.server_enable = mode != Mode::plain;
    options.server_no_context_takeover = mode == Mode::deflate_no_takeover;
    options.client_no_context_takeover = mode == Mode::deflate_no_takeover;
    pair->server->set_option(options);
    std::string request =
        "GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (mode != Mode::plain) request += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";
    request += "\r\n";
    asio::write(pair->client, asio::buffer(request));
    pair->server->accept();
    asio::streambuf answer;
    asio::read_until(pair->client, answer, "\r\n\r\n");
    const std::string head(asio::buffers_begin(answer.data()), asio::buffers_end(answer.data()));
    if (head.rfind("HTTP/1.1 101", 0) != 0) die("handshake refused: " + head);
    if ((mode != Mode::plain) != (head.find("permessage-deflate") != std::string::npos)) {
      die("extension not negotiated as asked: " + head);
    }
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

// The server sends every message to every client; each client reads it all.
void send_all(std::vector<std::unique_ptr<Pair>>& pairs, const std::vector<std::string>& messages) {
  std::vector<char> sink(1 << 16);
  for (auto& pair : pairs) {
    std::size_t sent = 0;
    for (const auto& message : messages) sent += pair->server->write(asio::buffer(message));
    (void)sent;
    // Drain what arrived (compressed or not): at least one byte per message.
    pair->client.non_blocking(true);
    beast::error_code error;
    while (pair->client.read_some(asio::buffer(sink), error) > 0 && !error) {
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t connections = 2000;
  std::vector<std::string> messages;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--connections" && i + 1 < argc) {
      connections = std::strtoul(argv[++i], nullptr, 10);
    } else {
      std::ifstream file(arg);
      if (!file) die("cannot read " + arg);
      std::ostringstream text;
      text << file.rdbuf();
      messages.push_back(text.str());
    }
  }
  if (messages.empty() || connections == 0) die("usage: deflate MESSAGE.json [MESSAGE.json ...] [--connections N]");
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  std::size_t plain = 0;
  for (const auto& message : messages) plain += header(message.size()) + message.size();
  std::size_t alone = 0;
  std::size_t streamed = 0;
  {
    Deflater each;
    Deflater stream;
    for (const auto& message : messages) {
      const std::size_t one = each.compressed_size(message);
      each.reset();
      alone += header(one) + one;
      const std::size_t next = stream.compressed_size(message);
      streamed += header(next) + next;
    }
  }
  const double n = static_cast<double>(messages.size());
  std::printf("bytes per message over %zu messages (frame header included):\n", messages.size());
  std::printf("  without the extension:           %7.0f\n", static_cast<double>(plain) / n);
  std::printf("  compressed alone (no takeover):  %7.0f  (%.0f %% of plain)\n", static_cast<double>(alone) / n,
              100.0 * static_cast<double>(alone) / static_cast<double>(plain));
  std::printf("  compressed as a stream:          %7.0f  (%.0f %% of plain)\n", static_cast<double>(streamed) / n,
              100.0 * static_cast<double>(streamed) / static_cast<double>(plain));

  std::printf("resident memory per connection, %zu connections (Beast's websocket::stream, server side):\n",
              connections);
  std::fflush(stdout);
  // Each set in a process of its own, so none reuses memory another freed.
  for (const Mode mode : {Mode::plain, Mode::deflate, Mode::deflate_no_takeover}) {
    const pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      asio::io_context io;
      tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
      acceptor.listen(asio::socket_base::max_listen_connections);
      const long before = rss_kib();
      auto pairs = open(io, acceptor, connections, mode);
      const double idle = static_cast<double>(rss_kib() - before) / static_cast<double>(connections);
      send_all(pairs, messages);
      const double after = static_cast<double>(rss_kib() - before) / static_cast<double>(connections);
      std::printf("  %-40s idle %6.2f KiB, after the messages %6.2f KiB\n", name(mode), idle, after);
      std::fflush(stdout);
      std::_Exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("a measurement failed");
  }
  return 0;
}
