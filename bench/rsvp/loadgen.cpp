// loadgen: replays a list of HTTP/1.1 requests over N keep-alive connections
// and records every answer. Built by bench/rsvp/run with g++; not part of
// the CMake build.
//
//   loadgen --port P --in REQUESTS [--out ANSWERS] [--connections N]
//           [--seconds S] [--cycle] [--host 127.0.0.1]
//
// REQUESTS has one request a line, tab-separated: METHOD, PATH, bearer token
// (or -), Idempotency-Key (or -), JSON body (or -). Requests go out in file
// order, each exactly once, to whichever connection is free (a closed loop:
// one request in flight per connection). --seconds stops handing out new
// requests after S seconds (those in flight finish); --cycle wraps around the
// list until then (for calibration; answers are then not written).
//
// ANSWERS has one line per request, in file order: HTTP status (0: never
// sent, -1: the connection failed with the request in flight), latency in
// microseconds, body. On stdout, one JSON line: counts, rate, latencies.
//
// One thread, one epoll set, level-triggered: cheap enough that on a shared
// two-core machine the server, not this tool, is what is measured.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
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

namespace {

using Clock = std::chrono::steady_clock;

struct Request {
  std::string method, path, token, idempotency_key, body;
};

struct Answer {
  int status = 0;
  std::uint32_t latency_us = 0;
  std::string body;
};

struct Connection {
  int fd = -1;
  bool connected = false;
  long request = -1;  // index in flight, -1 when idle
  Clock::time_point started;
  std::string out;
  std::size_t out_sent = 0;
  std::string in;
};

[[noreturn]] void die(const std::string& what) {
  std::cerr << "loadgen: " << what << (errno != 0 ? std::string(": ") + std::strerror(errno) : "") << "\n";
  std::exit(2);
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

std::vector<Request> read_requests(const std::string& path) {
  std::ifstream file(path);
  if (!file) die("cannot read " + path);
  std::vector<Request> requests;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    auto fields = split_tabs(line);
    if (fields.size() != 5) die("expected 5 tab-separated fields in: " + line);
    for (std::size_t i = 2; i < 5; ++i) {
      if (fields[i] == "-") fields[i].clear();
    }
    requests.push_back({fields[0], fields[1], fields[2], fields[3], fields[4]});
  }
  return requests;
}

std::string serialize(const Request& request, const std::string& host) {
  std::string out = request.method + " " + request.path + " HTTP/1.1\r\nHost: " + host + "\r\n";
  if (!request.token.empty()) out += "Authorization: Bearer " + request.token + "\r\n";
  if (!request.idempotency_key.empty()) out += "Idempotency-Key: " + request.idempotency_key + "\r\n";
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    out += "Content-Type: application/json\r\nContent-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "\r\n";
  out += request.body;
  return out;
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

std::string_view header_value(std::string_view line, std::size_t name_size) {
  std::string_view value = line.substr(name_size);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// A complete response at the front of `in`: its size, status, body and
// whether the server will close. Size 0 while incomplete; -1 when unparseable.
struct Parsed {
  static Parsed bad() { return {-1, 0, {}, false}; }
  long size = 0;
  int status = 0;
  std::string_view body;
  bool closes = false;
};

Parsed parse_response(std::string_view in) {
  Parsed parsed;
  const std::size_t end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return parsed;
  const std::string_view head = in.substr(0, end);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") return Parsed::bad();
  parsed.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  std::size_t length = 0;
  bool has_length = false;
  std::size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    const std::string_view line = head.substr(line_start, line_end - line_start);
    if (iequals_prefix(line, "content-length:")) {
      length = std::strtoul(std::string(header_value(line, 15)).c_str(), nullptr, 10);
      has_length = true;
    } else if (iequals_prefix(line, "connection:")) {
      parsed.closes = iequals_prefix(header_value(line, 11), "close");
    } else if (iequals_prefix(line, "transfer-encoding:")) {
      return Parsed::bad();  // not sent by the servers measured here
    }
    line_start = line_end;
  }
  if (!has_length && parsed.status != 204 && parsed.status != 304) return Parsed::bad();
  if (in.size() < end + 4 + length) return {};
  parsed.size = static_cast<long>(end + 4 + length);
  parsed.body = in.substr(end + 4, length);
  return parsed;
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  int connections = 64;
  double seconds = 0;
  bool cycle = false;
  std::string in, out;
};

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--host")
      options.host = value();
    else if (arg == "--port")
      options.port = std::stoi(value());
    else if (arg == "--connections")
      options.connections = std::stoi(value());
    else if (arg == "--seconds")
      options.seconds = std::stod(value());
    else if (arg == "--cycle")
      options.cycle = true;
    else if (arg == "--in")
      options.in = value();
    else if (arg == "--out")
      options.out = value();
    else
      die("unknown option " + arg);
  }
  if (options.port <= 0 || options.in.empty() || options.connections <= 0) {
    errno = 0;
    die("usage: loadgen --port P --in FILE [--out FILE] [--connections N] [--seconds S] [--cycle] [--host H]");
  }
  if (options.cycle && options.seconds <= 0) {
    errno = 0;
    die("--cycle needs --seconds");
  }
  return options;
}

class Load {
 public:
  Load(Options options, std::vector<Request> requests)
      : options_(std::move(options)),
        requests_(std::move(requests)),
        host_(options_.host + ":" + std::to_string(options_.port)) {
    if (!options_.cycle) answers_.resize(requests_.size());
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) die("epoll_create1");
    connections_.resize(static_cast<std::size_t>(options_.connections));
    address_.sin_family = AF_INET;
    address_.sin_port = htons(static_cast<std::uint16_t>(options_.port));
    if (inet_pton(AF_INET, options_.host.c_str(), &address_.sin_addr) != 1) die("bad host " + options_.host);
  }

  void run() {
    started_ = Clock::now();
    deadline_ =
        options_.seconds > 0
            ? started_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.seconds))
            : Clock::time_point::max();
    for (std::size_t i = 0; i < connections_.size(); ++i) open(i);
    std::vector<epoll_event> events(connections_.size());
    while (in_flight_ > 0 || (connecting_ > 0 && more_to_send())) {
      const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 1000);
      if (n < 0) {
        if (errno == EINTR) continue;
        die("epoll_wait");
      }
      for (int e = 0; e < n; ++e) {
        const std::size_t i = events[e].data.u64;
        Connection& c = connections_[i];
        if (c.fd < 0) continue;
        if (!c.connected) {
          int error = 0;
          socklen_t size = sizeof error;
          getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
          if (error != 0) {
            errno = error;
            die("connect to " + host_);
          }
          c.connected = true;
          --connecting_;
          next(i);
          continue;
        }
        const int fd = c.fd;
        if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) receive(i);
        // receive() may have reopened the connection: the event was for the old socket.
        if (c.fd == fd && (events[e].events & EPOLLOUT)) send_some(i);
      }
    }
    finished_ = last_answer_ > first_sent_ ? last_answer_ : first_sent_;
    for (auto& c : connections_) {
      if (c.fd >= 0) ::close(c.fd);
    }
  }

  void write_answers(const std::string& path) const {
    std::ofstream file(path);
    if (!file) die("cannot write " + path);
    for (const auto& answer : answers_) {
      std::string body = answer.body;
      std::replace_if(
          body.begin(), body.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; }, ' ');
      file << answer.status << '\t' << answer.latency_us << '\t' << body << '\n';
    }
  }

  void print_summary() const {
    std::vector<std::uint32_t> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    auto percentile = [&](double p) -> double {
      if (sorted.empty()) return 0;
      const std::size_t index =
          std::min(sorted.size() - 1, static_cast<std::size_t>(p * static_cast<double>(sorted.size())));
      return sorted[index] / 1000.0;
    };
    // From the first request sent to the last answer received: connecting is not timed.
    const double seconds = std::chrono::duration<double>(finished_ - first_sent_).count();
    std::printf("{\"requests\":%zu,\"sent\":%ld,\"answered\":%ld,\"failed\":%ld,\"seconds\":%.4f,\"per_second\":%.1f,",
                requests_.size(), sent_, answered_, failed_, seconds, seconds > 0 ? answered_ / seconds : 0.0);
    std::printf("\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"connections_opened\":%ld,\"statuses\":{",
                percentile(0.50), percentile(0.99), sorted.empty() ? 0.0 : sorted.back() / 1000.0, opened_);
    bool first = true;
    for (const auto& [status, count] : statuses_) {
      std::printf("%s\"%d\":%ld", first ? "" : ",", status, count);
      first = false;
    }
    std::printf("}}\n");
  }

 private:
  bool more_to_send() const { return Clock::now() < deadline_ && (options_.cycle || next_request_ < requests_.size()); }

  void open(std::size_t i) {
    Connection& c = connections_[i];
    c = Connection{};
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) die("socket");
    const int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&address_), sizeof address_) != 0 && errno != EINPROGRESS) {
      die("connect to " + host_);
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = i;
    if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event) != 0) die("epoll_ctl");
    ++connecting_;
    ++opened_;
  }

  void close_connection(std::size_t i) {
    Connection& c = connections_[i];
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
    if (!c.connected) --connecting_;
  }

  void want_output(std::size_t i, bool want) {
    epoll_event event{};
    event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    event.data.u64 = i;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, connections_[i].fd, &event);
  }

  // Hands connection i the next request, or leaves it idle for good.
  void next(std::size_t i) {
    Connection& c = connections_[i];
    if (!more_to_send()) {
      want_output(i, false);
      return;
    }
    const std::size_t index = next_request_++;
    c.request = static_cast<long>(index);
    c.out = serialize(requests_[index % requests_.size()], host_);
    c.out_sent = 0;
    c.started = Clock::now();
    if (sent_ == 0) first_sent_ = c.started;
    ++sent_;
    ++in_flight_;
    send_some(i);
  }

  void send_some(std::size_t i) {
    Connection& c = connections_[i];
    if (!c.connected) return;
    if (c.request < 0 || c.out_sent == c.out.size()) {
      want_output(i, false);
      return;
    }
    const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        want_output(i, true);
        return;
      }
      fail(i);
      return;
    }
    c.out_sent += static_cast<std::size_t>(n);
    want_output(i, c.out_sent < c.out.size());
  }

  void receive(std::size_t i) {
    Connection& c = connections_[i];
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.in.append(buffer, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buffer) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      // Closed by the server (or reset): an idle keep-alive connection is
      // simply reopened; a request in flight is lost and counted as failed.
      if (c.request >= 0) {
        fail(i);
      } else {
        close_connection(i);
        if (more_to_send()) open(i);
      }
      return;
    }
    const Parsed parsed = parse_response(c.in);
    if (parsed.size < 0) {
      fail(i);
      return;
    }
    if (parsed.size == 0) return;
    if (c.request < 0) {  // an answer nobody asked for
      fail(i);
      return;
    }
    const auto now = Clock::now();
    const auto latency = std::chrono::duration_cast<std::chrono::microseconds>(now - c.started).count();
    record(static_cast<std::size_t>(c.request), parsed.status, static_cast<std::uint32_t>(latency), parsed.body);
    last_answer_ = now;
    c.in.erase(0, static_cast<std::size_t>(parsed.size));
    c.request = -1;
    --in_flight_;
    if (parsed.closes || !c.in.empty()) {
      close_connection(i);
      if (more_to_send()) open(i);
      return;
    }
    next(i);
  }

  void record(std::size_t index, int status, std::uint32_t latency_us, std::string_view body) {
    ++answered_;
    ++statuses_[status];
    latencies_.push_back(latency_us);
    if (!options_.cycle) answers_[index] = Answer{status, latency_us, std::string(body)};
  }

  void fail(std::size_t i) {
    Connection& c = connections_[i];
    if (c.request >= 0) {
      ++failed_;
      if (!options_.cycle) answers_[static_cast<std::size_t>(c.request)].status = -1;
      c.request = -1;
      --in_flight_;
    }
    close_connection(i);
    if (more_to_send()) open(i);
  }

  Options options_;
  std::vector<Request> requests_;
  std::string host_;
  std::vector<Answer> answers_;
  std::vector<Connection> connections_;
  sockaddr_in address_{};
  int epoll_ = -1;
  std::size_t next_request_ = 0;
  long in_flight_ = 0, connecting_ = 0, sent_ = 0, answered_ = 0, failed_ = 0, opened_ = 0;
  std::map<int, long> statuses_;
  std::vector<std::uint32_t> latencies_;
  Clock::time_point started_, deadline_, first_sent_, finished_, last_answer_;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  std::vector<Request> requests = read_requests(options.in);
  if (requests.empty()) die("no requests in " + options.in);
  const std::string out = options.out;
  const bool cycle = options.cycle;
  Load load(std::move(options), std::move(requests));
  load.run();
  if (!out.empty() && !cycle) load.write_answers(out);
  load.print_summary();
  return 0;
}
