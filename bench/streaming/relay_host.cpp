// The receiving side of bench/streaming/relay_bench, alone in its process so
// that the process's CPU time is the receiver's and nothing else's: either a
// RoomRelay (the code under test) or a peer, the bare `srtsrc ! fakesink` or
// `srtsrc ! filesink` for the same stream, the irreducible cost of receiving
// (and writing) it.
//
// Talks over stdin/stdout, one line each way: prints "ready" once listening;
// answers "cpu" with "cpu <process CPU ns> <bytes received or segments closed>";
// stops cleanly (the relay writes ENDLIST) at end of input. Relay states and
// log lines go to stderr.
//
// Threads: an io_context on one thread runs the relay's strand; the main
// thread reads commands; `Output` serialises the lines both write.

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <ctime>
#include <future>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "streaming/availability.hpp"
#include "streaming/gst_pipeline.hpp"
#include "streaming/room_relay.hpp"

namespace {

using namespace plenary::streaming;

class Output {
 public:
  void line(const std::string& text) {
    std::lock_guard lock{mutex_};
    std::cout << text << std::endl;
  }

 private:
  std::mutex mutex_;
};

std::uint64_t process_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000U + static_cast<std::uint64_t>(t.tv_nsec);
}

GstPadProbeReturn count_bytes(GstPad*, GstPadProbeInfo* info, gpointer data) {
  auto& bytes = *static_cast<std::atomic<std::uint64_t>*>(data);
  if (GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info)) bytes += gst_buffer_get_size(buffer);
  return GST_PAD_PROBE_OK;
}

// `sink` is "fakesink" or "filesink:PATH". Only the port goes into the text;
// the passphrase and path are properties.
Pipeline start_peer(std::uint16_t port, const std::string& passphrase, const std::string& sink,
                    std::atomic<std::uint64_t>& bytes) {
  const bool to_file = sink.starts_with("filesink:");
  const std::string description = "srtsrc name=in uri=srt://127.0.0.1:" + std::to_string(port) +
                                  "?mode=listener latency=125 poll-timeout=1000 ! " +
                                  (to_file ? "filesink" : "fakesink") + " name=out sync=false";
  GError* raw_error = nullptr;
  ElementHandle element{ref_sink, gst_parse_launch(description.c_str(), &raw_error)};
  GlibError error{raw_error};
  if (error || !element) throw std::runtime_error(std::string{"peer pipeline: "} + (error ? error->message : "?"));
  Pipeline pipeline{std::move(element)};
  if (!passphrase.empty()) g_object_set(pipeline.child("in").get(), "passphrase", passphrase.c_str(), nullptr);
  ElementHandle out = pipeline.child("out");
  if (to_file) g_object_set(out.get(), "location", sink.substr(std::string_view{"filesink:"}.size()).c_str(), nullptr);
  PadHandle pad{adopt, gst_element_get_static_pad(out.get(), "sink")};
  gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, count_bytes, &bytes, nullptr);
  if (pipeline.set_state(GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) throw std::runtime_error("peer did not start");
  return pipeline;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Receiver for bench/streaming/relay_bench: a RoomRelay or a bare srtsrc peer"};
  std::uint16_t port = 0;
  std::string output_dir;
  std::string peer;
  std::string stream_id;
  std::string passphrase;
  bool audio_only = false;
  app.add_option("--port", port, "SRT listener port on 127.0.0.1")->required();
  app.add_option("--output-dir", output_dir, "the relay's HLS folder");
  app.add_option("--peer", peer, "instead of the relay: fakesink or filesink:PATH");
  app.add_option("--stream-id", stream_id, "the relay's expected stream id");
  app.add_option("--passphrase", passphrase, "SRT passphrase");
  app.add_flag("--audio-only", audio_only, "the relay also re-encodes each language for the audio-only variant");
  CLI11_PARSE(app, argc, argv);
  if (peer.empty() && output_dir.empty()) {
    std::cerr << "relay_host: --output-dir or --peer is needed\n";
    return 2;
  }
  if (const Availability available = check_availability(kRelayElements); !available.ok()) {
    std::cerr << "relay_host: " << available.summary() << '\n';
    return 1;
  }

  Output output;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread{[&io] { io.run(); }};
  std::atomic<std::uint64_t> counted{0};  // peer: bytes received; relay: segments closed
  std::shared_ptr<RoomRelay> relay;
  Pipeline peer_pipeline;
  int status = 0;
  try {
    if (peer.empty()) {
      RelayConfig config;
      config.room = "bench";
      config.port = port;
      config.stream_id = stream_id;
      config.passphrase = passphrase;
      config.output_dir = output_dir;
      config.audio_only_variant = audio_only;
      // The bench decodes the segments after the run: keep every file until then.
      config.segment_retention = std::chrono::minutes{30};
      RelayCallbacks callbacks;
      callbacks.on_state = [&output](RelayState state, const std::string& detail) {
        std::cerr << "relay_host: " << to_string(state) << ": " << detail << '\n';
        if (state == RelayState::idle && detail.starts_with("listening")) output.line("ready");
      };
      callbacks.on_log = [](const std::string& line) { std::cerr << "relay_host: " << line << '\n'; };
      callbacks.on_segment = [&counted](const SegmentClosed&) { ++counted; };
      relay = RoomRelay::create(io.get_executor(), config, callbacks);
      relay->start();
    } else {
      peer_pipeline = start_peer(port, passphrase, peer, counted);
      output.line("ready");
    }
    std::string command;
    while (std::getline(std::cin, command)) {
      if (command == "cpu") output.line("cpu " + std::to_string(process_cpu_ns()) + " " + std::to_string(counted.load()));
    }
  } catch (const std::exception& e) {
    std::cerr << "relay_host: " << e.what() << '\n';
    status = 1;
  }
  if (relay) {
    std::promise<void> stopped;
    relay->stop([&stopped] { stopped.set_value(); });
    stopped.get_future().wait();
    relay.reset();
  }
  peer_pipeline.reset();
  work.reset();
  io_thread.join();
  return status;
}
