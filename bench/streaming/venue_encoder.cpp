// The venue side of bench/streaming/relay_bench: a SyntheticEncoder with the
// capture stamp, in its own process so that its x264 time never counts as
// the receiver's. Sends for --seconds, or until SIGTERM/SIGINT.
//
// Threads: one io_context on the main thread runs the encoder's strand and
// the signal wait.

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "streaming/availability.hpp"
#include "streaming/synthetic_encoder.hpp"

using namespace plenary::streaming;

int main(int argc, char** argv) {
  CLI::App app{"Synthetic venue encoder for bench/streaming/relay_bench: MPEG-TS over SRT, capture time in every frame"};
  EncoderConfig config;
  config.width = 1280;
  config.height = 720;
  config.video_kbps = 3000;
  config.embed_capture_clock = true;
  config.scene_cut_keyframes = false;
  int seconds = 0;
  bool no_stamp = false;
  bool scene_cuts = false;
  app.add_option("--port", config.port, "SRT port of the listener on --host")->required();
  app.add_option("--host", config.host, "listener address")->capture_default_str();
  app.add_option("--seconds", seconds, "how long to send; 0: until SIGTERM")->capture_default_str();
  app.add_option("--width", config.width)->capture_default_str();
  app.add_option("--height", config.height)->capture_default_str();
  app.add_option("--fps", config.fps, "frames per second; a keyframe every second")->capture_default_str();
  app.add_option("--video-kbps", config.video_kbps)->capture_default_str();
  app.add_option("--audio-kbps", config.audio_kbps, "per audio track (three: mul, en, vi)")->capture_default_str();
  app.add_option("--stream-id", config.stream_id);
  app.add_option("--passphrase", config.passphrase);
  app.add_flag("--no-stamp", no_stamp, "leave the capture time out of the picture");
  app.add_flag("--scene-cuts", scene_cuts, "let x264 add keyframes at scene cuts (every 0.5 s on this picture)");
  CLI11_PARSE(app, argc, argv);
  config.duration = std::chrono::seconds{seconds};
  config.embed_capture_clock = !no_stamp;
  config.scene_cut_keyframes = scene_cuts;
  if (const Availability available = check_availability(kSyntheticEncoderElements); !available.ok()) {
    std::cerr << "venue_encoder: " << available.summary() << '\n';
    return 1;
  }

  boost::asio::io_context io;
  int status = 1;
  std::shared_ptr<SyntheticEncoder> encoder;
  try {
    encoder = SyntheticEncoder::create(io.get_executor(), config, [&status, &io](const EncoderResult& result) {
      if (!result.ok) std::cerr << "venue_encoder: " << result.error << '\n';
      status = result.ok ? 0 : 1;
      io.stop();
    });
  } catch (const std::exception& e) {
    std::cerr << "venue_encoder: " << e.what() << '\n';
    return 2;
  }
  boost::asio::signal_set signals{io, SIGTERM, SIGINT};
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    // Stopped on purpose: the pipeline goes to NULL, which closes the SRT connection.
    encoder->stop([&status, &io] {
      status = 0;
      io.stop();
    });
  });
  encoder->start();
  io.run();
  encoder.reset();
  return status;
}
