// Video relay benchmark: capture-to-playlist latency and CPU per room.
//
// Runs, one after another on a fresh loopback port each, four receivers of
// the same synthetic venue stream (bench/streaming/venue_encoder: 1280x720
// at 30 fps, a keyframe every second, three AAC tracks, over SRT with AES),
// each in its own process (bench/streaming/relay_host):
//
//   remux       RoomRelay, 1 s segments, no re-encoding
//   audio-only  the same with the audio-only variant (each language decoded
//               and re-encoded at 24 kbit/s)
//   fakesink    the peer `srtsrc ! fakesink`: receiving the stream and nothing else
//   filesink    the peer `srtsrc ! filesink`: receiving it and writing it whole
//
// CPU: the receiver's process CPU time (CLOCK_PROCESS_CPUTIME_ID, read by the
// receiver itself) over a window of steady streaming after a warm-up, as a
// percentage of one core; the encoder's (/proc/PID/stat) and the whole
// machine's (/proc/stat) over the same window, to show what else ran.
//
// Latency: the encoder paints each raw frame's wall-clock capture time into
// the picture (paint_capture_stamp). While a relay runs, this process
// watches video/index.m3u8 with inotify (the relay renames a new playlist
// into place) and notes the wall clock when each segment URI first appears.
// After the run, off the clock, it decodes every segment listed within the
// window and reads each frame's stamp: latency = listed - captured, for
// every frame, and for each segment's oldest (first) and newest (last) frame.
//
// Threads: the main thread drives the phases; one watcher thread per relay
// phase reads inotify events.

#include <fcntl.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "streaming/availability.hpp"
#include "streaming/gst_pipeline.hpp"
#include "streaming/synthetic_encoder.hpp"

namespace {

namespace fs = std::filesystem;
using namespace plenary::streaming;
using namespace std::chrono_literals;

constexpr const char* kStreamId = "bench-room-key";
constexpr const char* kPassphrase = "bench-room-secret";
constexpr int kLanguages = 3;  // the synthetic encoder's default tracks: mul, en, vi

std::int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- child processes -----------------------------------------------------------

// A program started with its stdin and stdout on pipes to us (stderr is
// ours). Owns the pid and both pipe ends; the destructor kills and reaps
// a child still running. Used from one thread.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int to_child[2];
    int from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], STDIN_FILENO);
      dup2(from_child[1], STDOUT_FILENO);
      execv(args[0], args.data());
      std::perror(args[0]);
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_ = to_child[1];
    from_ = from_child[0];
    name_ = fs::path{argv[0]}.filename().string();
  }
  ~Child() {
    close_input();
    if (from_ >= 0) close(from_);
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  void write_line(const std::string& line) {
    const std::string text = line + "\n";
    if (to_ < 0 || write(to_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      throw std::runtime_error("cannot write to " + name_);
    }
  }
  // The next line the child prints, or empty when the deadline passes or it exits.
  std::optional<std::string> read_line(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      if (const auto end = buffered_.find('\n'); end != std::string::npos) {
        std::string line = buffered_.substr(0, end);
        buffered_.erase(0, end + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left <= 0ms) return std::nullopt;
      pollfd fd{from_, POLLIN, 0};
      if (poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[512];
      const ssize_t n = read(from_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buffered_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void close_input() {
    if (to_ >= 0) close(to_);
    to_ = -1;
  }
  void signal(int number) const {
    if (!exited_) kill(pid_, number);
  }
  // Waits for the exit; SIGKILL after the deadline. The exit status, or -1 when killed.
  int wait(std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > until) {
        std::cerr << "relay_bench: " << name_ << " did not exit in time; killed\n";
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        exited_ = true;
        return -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  bool exited_ = false;
  std::string name_;
  std::string buffered_;
};

// user + system time of another process, from /proc/PID/stat (clock ticks).
double process_cpu_seconds(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');
  if (close_paren == std::string::npos) return 0;
  std::istringstream fields{text.substr(close_paren + 2)};
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Busy and total jiffies of the whole machine, from /proc/stat's first line.
std::pair<double, double> machine_jiffies() {
  std::ifstream in{"/proc/stat"};
  std::string cpu;
  in >> cpu;
  double total = 0;
  double idle = 0;
  for (int i = 0; i < 8; ++i) {
    double value = 0;
    in >> value;
    total += value;
    if (i == 3 || i == 4) idle += value;  // idle, iowait
  }
  return {total - idle, total};
}

double self_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

std::uint16_t free_udp_port() {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("no free UDP port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

// --- playlist watcher -------------------------------------------------------------

struct Listing {
  std::string uri;
  double duration_s = 0;
  std::int64_t listed_us = 0;  // wall clock when the URI first appeared
  bool listed_before_watch = false;  // already there when the watch began: time unknown
};

// Notes when each segment URI first appears in {dir}/index.m3u8. The relay
// writes the playlist beside it and renames it into place, so IN_MOVED_TO on
// the folder is the moment of listing. Owns an inotify fd and a thread.
class PlaylistWatcher {
 public:
  explicit PlaylistWatcher(fs::path dir) : dir_{std::move(dir)}, fd_{inotify_init1(IN_CLOEXEC | IN_NONBLOCK)} {
    if (fd_ < 0) throw std::runtime_error("inotify_init1 failed");
    thread_ = std::thread{[this] { run(); }};
  }
  ~PlaylistWatcher() {
    stop();
    close(fd_);
  }
  PlaylistWatcher(const PlaylistWatcher&) = delete;
  PlaylistWatcher& operator=(const PlaylistWatcher&) = delete;

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // In the order listed; call after stop().
  std::vector<Listing> listings() const {
    std::vector<Listing> out;
    for (const auto& uri : order_) out.push_back(listings_.at(uri));
    return out;
  }

 private:
  void run() {
    bool watching = false;
    while (!stop_) {
      if (!watching) {
        // The relay makes the folder when the video branch appears.
        if (fs::exists(dir_) && inotify_add_watch(fd_, dir_.c_str(), IN_MOVED_TO) >= 0) {
          watching = true;
          read_playlist(unix_us(), true);
        } else {
          std::this_thread::sleep_for(5ms);
        }
        continue;
      }
      pollfd fd{fd_, POLLIN, 0};
      if (poll(&fd, 1, 100) <= 0) continue;
      const std::int64_t now = unix_us();
      alignas(inotify_event) char events[4096];
      bool playlist_changed = false;
      for (ssize_t n; (n = read(fd_, events, sizeof events)) > 0;) {
        for (char* p = events; p < events + n;) {
          const auto* event = reinterpret_cast<const inotify_event*>(p);
          if (event->len > 0 && std::strcmp(event->name, "index.m3u8") == 0) playlist_changed = true;
          p += sizeof(inotify_event) + event->len;
        }
      }
      if (playlist_changed) read_playlist(now, false);
    }
  }

  void read_playlist(std::int64_t now, bool before_watch) {
    std::ifstream in{dir_ / "index.m3u8"};
    double duration = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("#EXTINF:")) duration = std::stod(line.substr(8));
      if (line.empty() || line[0] == '#') continue;
      if (listings_.count(line) == 0) {
        listings_[line] = Listing{line, duration, now, before_watch};
        order_.push_back(line);
      }
    }
  }

  fs::path dir_;
  int fd_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::map<std::string, Listing> listings_;  // the watcher thread's until stop()
  std::vector<std::string> order_;
};

// --- decoding the stamps ------------------------------------------------------------

// Capture times (Unix ms) of every frame of a video segment file, in order;
// empty for a frame whose stamp did not read.
std::vector<std::optional<std::uint64_t>> read_stamps(const fs::path& segment) {
  GError* raw_error = nullptr;
  ElementHandle element{ref_sink,
                        gst_parse_launch("filesrc name=in ! tsdemux ! h264parse ! avdec_h264 ! "
                                         "appsink name=out sync=false caps=video/x-raw,format=I420",
                                         &raw_error)};
  GlibError error{raw_error};
  if (error || !element) throw std::runtime_error(std::string{"decoder: "} + (error ? error->message : "?"));
  Pipeline pipeline{std::move(element)};
  g_object_set(pipeline.child("in").get(), "location", segment.c_str(), nullptr);
  ElementHandle sink = pipeline.child("out");
  pipeline.set_state(GST_STATE_PLAYING);
  std::vector<std::optional<std::uint64_t>> stamps;
  for (;;) {
    SampleHandle sample{adopt, gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 5 * GST_SECOND)};
    if (!sample) break;  // end of file (or a decoder error, seen as missing frames)
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample.get()))) continue;
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample.get()), GST_MAP_READ)) continue;
    stamps.push_back(read_capture_stamp(static_cast<const std::uint8_t*>(GST_VIDEO_FRAME_COMP_DATA(&frame, 0)),
                                        static_cast<std::size_t>(GST_VIDEO_FRAME_COMP_STRIDE(&frame, 0)),
                                        GST_VIDEO_FRAME_WIDTH(&frame)));
    gst_video_frame_unmap(&frame);
  }
  return stamps;
}

// --- figures --------------------------------------------------------------------------

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

struct Latency {
  std::vector<double> every_frame_ms;
  std::vector<double> oldest_ms;  // each segment's first frame
  std::vector<double> newest_ms;  // each segment's last frame
  std::size_t segments = 0;
  std::size_t frames = 0;
  std::size_t unreadable = 0;
  double mean_duration_s = 0;
};

struct PhaseResult {
  std::string name;
  double window_s = 0;
  double cpu_percent = 0;  // of one core
  double encoder_percent = 0;
  double machine_percent = 0;  // all processes, % of one core
  double bench_percent = 0;    // this process (the watcher)
  std::uint64_t counted = 0;   // peer: bytes received; relay: segments closed (all renditions)
  std::optional<Latency> latency;
};

struct Options {
  fs::path tools;
  fs::path work;
  int warmup_s = 4;
  int relay_s = 30;
  int peer_s = 20;
  int video_kbps = 3000;
  bool scene_cuts = false;
  bool encryption = true;
};

struct Sample {
  std::uint64_t receiver_ns = 0;
  std::uint64_t counted = 0;
  double encoder_s = 0;
  double self_s = 0;
  std::pair<double, double> machine{};
  std::chrono::steady_clock::time_point at{};
};

Sample take_sample(Child& receiver, const Child& encoder) {
  Sample sample;
  receiver.write_line("cpu");
  const auto answer = receiver.read_line(5s);
  if (!answer || !answer->starts_with("cpu ")) throw std::runtime_error(receiver.name() + " did not answer");
  std::istringstream fields{answer->substr(4)};
  fields >> sample.receiver_ns >> sample.counted;
  sample.encoder_s = process_cpu_seconds(encoder.pid());
  sample.self_s = self_cpu_seconds();
  sample.machine = machine_jiffies();
  sample.at = std::chrono::steady_clock::now();
  return sample;
}

Latency measure_latency(const std::vector<Listing>& listings, const fs::path& dir, std::int64_t from_us,
                        std::int64_t to_us) {
  Latency latency;
  double total_duration = 0;
  for (const auto& listing : listings) {
    if (listing.listed_before_watch || listing.listed_us < from_us || listing.listed_us > to_us) continue;
    const auto stamps = read_stamps(dir / listing.uri);
    ++latency.segments;
    total_duration += listing.duration_s;
    std::optional<double> first;
    std::optional<double> last;
    for (const auto& stamp : stamps) {
      ++latency.frames;
      if (!stamp) {
        ++latency.unreadable;
        continue;
      }
      const double ms = static_cast<double>(listing.listed_us) / 1000.0 - static_cast<double>(*stamp);
      latency.every_frame_ms.push_back(ms);
      if (!first) first = ms;
      last = ms;
    }
    if (first) latency.oldest_ms.push_back(*first);
    if (last) latency.newest_ms.push_back(*last);
  }
  if (latency.segments > 0) latency.mean_duration_s = total_duration / static_cast<double>(latency.segments);
  return latency;
}

PhaseResult run_phase(const Options& options, const std::string& name) {
  const bool relay = name == "remux" || name == "audio-only";
  const int window_s = relay ? options.relay_s : options.peer_s;
  const std::uint16_t port = free_udp_port();
  const fs::path out = options.work / name;
  fs::create_directories(out);
  std::vector<std::string> receiver_args{(options.tools / "relay_host").string(), "--port", std::to_string(port)};
  if (options.encryption) receiver_args.insert(receiver_args.end(), {"--passphrase", kPassphrase});
  if (relay) {
    receiver_args.insert(receiver_args.end(), {"--output-dir", (out / "hls").string(), "--stream-id", kStreamId});
    if (name == "audio-only") receiver_args.push_back("--audio-only");
  } else {
    receiver_args.insert(receiver_args.end(), {"--peer", name == "filesink" ? "filesink:" + (out / "stream.ts").string()
                                                                           : std::string{"fakesink"}});
  }
  Child receiver{receiver_args};
  if (receiver.read_line(10s) != "ready") throw std::runtime_error(name + ": the receiver did not start");

  std::optional<PlaylistWatcher> watcher;
  if (relay) watcher.emplace(out / "hls" / "video");
  std::vector<std::string> encoder_args{(options.tools / "venue_encoder").string(), "--port", std::to_string(port),
                                        "--seconds", std::to_string(options.warmup_s + window_s + 5), "--video-kbps",
                                        std::to_string(options.video_kbps), "--stream-id", kStreamId};
  if (options.encryption) encoder_args.insert(encoder_args.end(), {"--passphrase", kPassphrase});
  if (options.scene_cuts) encoder_args.push_back("--scene-cuts");
  Child encoder{encoder_args};
  std::this_thread::sleep_for(std::chrono::seconds{options.warmup_s});
  const std::int64_t from_us = unix_us();
  const Sample start = take_sample(receiver, encoder);
  std::this_thread::sleep_for(std::chrono::seconds{window_s});
  const Sample end = take_sample(receiver, encoder);
  const std::int64_t to_us = unix_us();

  encoder.signal(SIGTERM);
  encoder.wait(10s);
  receiver.close_input();
  if (receiver.wait(15s) != 0) std::cerr << "relay_bench: " << name << ": the receiver did not exit cleanly\n";
  if (watcher) watcher->stop();

  PhaseResult result;
  result.name = name;
  result.window_s = std::chrono::duration<double>(end.at - start.at).count();
  const double cores = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
  result.cpu_percent = static_cast<double>(end.receiver_ns - start.receiver_ns) / 1e9 / result.window_s * 100;
  result.encoder_percent = (end.encoder_s - start.encoder_s) / result.window_s * 100;
  result.bench_percent = (end.self_s - start.self_s) / result.window_s * 100;
  result.machine_percent = (end.machine.first - start.machine.first) / (end.machine.second - start.machine.second) *
                           cores * 100;
  result.counted = end.counted - start.counted;
  if (relay) result.latency = measure_latency(watcher->listings(), out / "hls" / "video", from_us, to_us);
  return result;
}

void print_latency(const Latency& l) {
  auto line = [](const char* what, const std::vector<double>& v) {
    std::cout << "    " << what << ": median " << fixed(percentile(v, 0.5), 0) << " ms, p90 " << fixed(percentile(v, 0.9), 0)
              << " ms, min " << fixed(percentile(v, 0.0), 0) << ", max " << fixed(percentile(v, 1.0), 0) << " ms\n";
  };
  std::cout << "  capture-to-playlist, " << l.segments << " video segments listed in the window (mean "
            << fixed(l.mean_duration_s, 3) << " s), " << l.frames << " frames, " << l.unreadable
            << " stamps unreadable:\n";
  line("every frame         ", l.every_frame_ms);
  line("oldest (first) frame", l.oldest_ms);
  line("newest (last) frame ", l.newest_ms);
}

void print_phase(const PhaseResult& r) {
  std::cout << r.name << ": receiver " << fixed(r.cpu_percent, 2) << " % of one core over " << fixed(r.window_s, 1)
            << " s; encoder " << fixed(r.encoder_percent, 0) << " %, this bench " << fixed(r.bench_percent, 1)
            << " %, whole machine " << fixed(r.machine_percent, 0) << " % (others "
            << fixed(std::max(0.0, r.machine_percent - r.cpu_percent - r.encoder_percent - r.bench_percent), 0) << " %); ";
  if (r.latency) {
    std::cout << r.counted << " segments closed (all renditions)\n";
    print_latency(*r.latency);
  } else {
    std::cout << fixed(static_cast<double>(r.counted) * 8 / r.window_s / 1000, 0) << " kbit/s received\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Video relay benchmark: capture-to-playlist latency and CPU per room, against bare srtsrc peers"};
  Options options;
  options.tools = fs::canonical("/proc/self/exe").parent_path();
  app.add_option("--tools", options.tools, "folder of relay_host and venue_encoder")->capture_default_str();
  app.add_option("--work", options.work, "scratch folder (segments are written here)")->required();
  app.add_option("--warmup", options.warmup_s, "seconds of streaming before each window")->capture_default_str();
  app.add_option("--relay-seconds", options.relay_s, "window of each relay phase")->capture_default_str();
  app.add_option("--peer-seconds", options.peer_s, "window of each peer phase")->capture_default_str();
  app.add_option("--video-kbps", options.video_kbps)->capture_default_str();
  app.add_flag("--scene-cuts", options.scene_cuts, "let x264 add scene-cut keyframes (0.5 s GOPs on this picture)");
  app.add_flag("!--no-encryption", options.encryption, "SRT without a passphrase (AES off)");
  CLI11_PARSE(app, argc, argv);
  if (const Availability available = check_availability(kRelayElements); !available.ok()) {
    std::cerr << "relay_bench: " << available.summary() << '\n';
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);

  std::cout << "stream: 1280x720 at 30 fps, H.264 " << options.video_kbps << " kbit/s (x264 zerolatency, keyframe every 1 s"
            << (options.scene_cuts ? " and at scene cuts" : ", no scene cuts") << "), " << kLanguages
            << " AAC tracks at 96 kbit/s, MPEG-TS over SRT (" << (options.encryption ? "AES" : "no encryption")
            << ", latency 125 ms) on loopback; 1 s segments\n"
            << "each phase: " << options.warmup_s << " s warm-up, then a window of " << options.relay_s
            << " s (relay) or " << options.peer_s << " s (peer); CPU in % of one core (" << sysconf(_SC_NPROCESSORS_ONLN)
            << " cores)\n";
  std::map<std::string, PhaseResult> results;
  try {
    for (const char* name : {"remux", "audio-only", "fakesink", "filesink"}) {
      std::cerr << "relay_bench: phase " << name << '\n';
      results[name] = run_phase(options, name);
      print_phase(results[name]);
      std::cout.flush();
    }
  } catch (const std::exception& e) {
    std::cerr << "relay_bench: " << e.what() << '\n';
    return 1;
  }

  const auto& remux = results["remux"];
  const auto& audio_only = results["audio-only"];
  const double per_language = (audio_only.cpu_percent - remux.cpu_percent) / kLanguages;
  std::cout << "relay / peer: remux / fakesink " << fixed(remux.cpu_percent / results["fakesink"].cpu_percent, 2)
            << ", remux / filesink " << fixed(remux.cpu_percent / results["filesink"].cpu_percent, 2) << '\n';
  std::cout << "audio-only variant: +" << fixed(audio_only.cpu_percent - remux.cpu_percent, 2) << " % of one core for "
            << kLanguages << " languages, " << fixed(per_language, 2) << " % per language\n";

  auto target = [](const std::string& what, bool met, const std::string& figure) {
    std::cout << "target " << what << ": " << (met ? "met" : "NOT met") << " (" << figure << ")\n";
  };
  const Latency& latency = *remux.latency;
  const bool enough = latency.segments >= 30 && latency.unreadable == 0;
  if (!enough) {
    std::cout << "too few readable segments for the latency figures (" << latency.segments << " segments, "
              << latency.unreadable << " unreadable stamps)\n";
  }
  const double every = percentile(latency.every_frame_ms, 0.5);
  const double oldest = percentile(latency.oldest_ms, 0.5);
  target("median capture-to-playlist <= 1.5 s with 1 s segments, over every frame", enough && every <= 1500,
         fixed(every / 1000, 3) + " s, remux phase");
  target("... and over each segment's oldest frame (stricter)", enough && oldest <= 1500,
         fixed(oldest / 1000, 3) + " s");
  target("CPU per remuxed 720p30 stream <= 2 % of one core", remux.cpu_percent <= 2,
         fixed(remux.cpu_percent, 2) + " %");
  // A target not met is a figure, not a failure; missing figures are.
  return enough ? 0 : 1;
}
