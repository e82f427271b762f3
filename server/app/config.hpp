#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace plenary::app {

// Everything `plenary serve` can be told, by option or environment variable
// (see cli.cpp for the names). Plain value.
struct Config {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  std::filesystem::path data_dir = "data";
  std::filesystem::path static_dir = "static";
  bool demo = false;

  std::size_t max_body_bytes = 1u << 20;
  std::size_t max_header_bytes = 16u << 10;
  std::size_t max_connections = 10'000;
  double request_timeout_seconds = 30;
  double shutdown_grace_seconds = 10;
  unsigned io_threads = 0;      // 0: one per core
  unsigned worker_threads = 0;  // 0: eight per core, at least 32
  std::int64_t token_ttl_seconds = 12 * 3600;
  // Live updates (WebSocket): silence before a peer is dropped (pinged at half),
  // connections per client address, messages queued for a slow client.
  double live_idle_timeout_seconds = 30;
  std::size_t live_max_per_address = 2'000;
  std::size_t live_max_queued = 1'024;
  bool live_io_uring = true;  // send each turn of a fan-out in one io_uring call (else send(2) each)
  // The video relay: SRT in from each streamed room's encoder, HLS out.
  bool streaming = true;
  std::filesystem::path media_dir;  // empty: {data_dir}/media (live segments and recordings)
  std::string srt_address = "127.0.0.1";
  int srt_port_base = 9000;             // first SRT port given to a streamed room; 0: any free one
  std::uint64_t media_reserve_mb = 2048;  // free space recordings leave on the media disk
  double stream_grace_seconds = 60;     // a stream gone this long ends its session
  double stream_tick_seconds = 2;       // how often rooms follow the agenda (tests shorten it)
  std::int64_t playback_token_ttl_seconds = 6 * 3600;
  bool demo_encoder = true;             // with demo: a synthetic venue encoder into a demo room
  std::string log_level = "info";
  // Addresses of reverse proxies allowed to name the client in X-Forwarded-For.
  std::vector<std::string> trusted_proxies;

  // Off in tests that run several servers in one process.
  bool handle_signals = true;
};

}  // namespace plenary::app
