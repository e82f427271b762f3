#include "relay/streaming_service.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "auth/token.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "domain/instant.hpp"
#include "ops/log.hpp"
#include "relay/room_stream.hpp"
#include "streaming/availability.hpp"
#include "streaming/synthetic_encoder.hpp"

namespace plenary::relay {

namespace asio = boost::asio;

namespace {

constexpr const char* kSecretName = "playback_token_key";

// Binds a UDP socket to address:port (0: any) and returns the port bound, or 0.
int try_bind_udp(const std::string& address, int port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    length = sizeof *v6;
  } else {
    return 0;
  }
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  int bound = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) == 0) {
    bound = ntohs(family == AF_INET ? v4->sin_port : v6->sin6_port);
  }
  ::close(fd);
  return bound;
}

}  // namespace

std::string encoder_url(const std::string& host, const db::StoredRoomStream& stream) {
  return "srt://" + host + ":" + std::to_string(stream.srt_port) + "?streamid=" + stream.stream_key;
}

struct StreamingService::Parts {
  Parts(db::Database& d, live::Publisher& p, cache::AgendaCache* c, asio::any_io_executor w)
      : database(d), publisher(p), agenda_cache(c), workers(w), reconcile_strand(asio::make_strand(w)) {}

  db::Database& database;
  live::Publisher& publisher;
  cache::AgendaCache* agenda_cache;
  asio::any_io_executor workers;
  asio::io_context gstreamer{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread gstreamer_thread;
  asio::strand<asio::any_io_executor> reconcile_strand;
  std::unique_ptr<asio::steady_timer> tick_timer;  // on `gstreamer`
  std::atomic<bool> tick_running{false};
  std::atomic<bool> stopping{false};
  std::unique_ptr<StreamEnvironment> environment;

  mutable std::mutex mutex;
  std::map<std::int64_t, std::shared_ptr<RoomStream>> rooms;  // guarded by mutex
  std::size_t retiring = 0;                                   // rooms taken out, still stopping; guarded by mutex
  std::condition_variable retired;

  std::shared_ptr<streaming::SyntheticEncoder> demo_encoder;  // on `gstreamer`
  std::unique_ptr<asio::steady_timer> demo_retry;             // on `gstreamer`
};

StreamingService::StreamingService(StreamingOptions options, db::Database& database, live::Publisher& publisher,
                                   cache::AgendaCache* agenda_cache, asio::any_io_executor workers)
    : parts_(std::make_unique<Parts>(database, publisher, agenda_cache, workers)), options_(std::move(options)) {}

StreamingService::~StreamingService() {
  stop();
}

void StreamingService::start() {
  Parts& p = *parts_;
  const auto made = auth::new_playback_secret();
  const auto stored = p.database.write([&](db::Connection& connection) {
    return db::stream_store::server_secret(connection, kSecretName, std::vector<unsigned char>(made.begin(), made.end()),
                                           domain::unix_now());
  });
  if (stored.size() == secret_.size()) std::copy(stored.begin(), stored.end(), secret_.begin());

  if (!options_.enabled) {
    availability_ = "streaming is switched off (--no-streaming)";
    ops::logger().info("streaming off", {{"reason", availability_}});
    return;
  }
  const streaming::Availability gst = streaming::check_availability();
  availability_ = gst.summary();
  if (!gst.ok()) {
    ops::logger().warn(availability_);
    return;
  }
  available_ = true;
  ops::logger().info(availability_, {{"media_dir", options_.media_dir.string()}, {"srt_address", options_.srt_address}});

  std::filesystem::create_directories(options_.media_dir / "live");
  p.environment = std::make_unique<StreamEnvironment>(StreamEnvironment{
      .airing = AiringParts{p.database, p.publisher, p.agenda_cache},
      .media_dir = options_.media_dir,
      .srt_address = options_.srt_address,
      .media_reserve_bytes = options_.media_reserve_bytes,
      .session_grace = options_.session_grace,
      .early_seconds = 900,
      .gstreamer = p.gstreamer.get_executor(),
      .workers = p.workers,
  });
  p.work.emplace(p.gstreamer.get_executor());
  p.gstreamer_thread = std::thread([&p] { p.gstreamer.run(); });
  reconcile();
  schedule_tick();
}

void StreamingService::schedule_tick() {
  Parts& p = *parts_;
  if (!p.tick_timer) p.tick_timer = std::make_unique<asio::steady_timer>(p.gstreamer);
  p.tick_timer->expires_after(options_.tick);
  p.tick_timer->async_wait([this](boost::system::error_code error) {
    Parts& q = *parts_;
    if (error || q.stopping) return;
    // One tick at a time: a slow database skips ticks instead of piling them up.
    if (!q.tick_running.exchange(true)) {
      asio::post(q.reconcile_strand, [this] {
        Parts& r = *parts_;
        try {
          if (!r.stopping) reconcile();
        } catch (const std::exception& failure) {
          ops::logger().error("streaming: cannot read the rooms", {{"reason", failure.what()}});
        }
        std::vector<std::shared_ptr<RoomStream>> rooms;
        {
          std::lock_guard lock(r.mutex);
          for (const auto& [id, room] : r.rooms) rooms.push_back(room);
        }
        for (const auto& room : rooms) room->tick();
        r.tick_running = false;
      });
    }
    schedule_tick();
  });
}

void StreamingService::stop() {
  Parts& p = *parts_;
  if (p.stopping.exchange(true)) return;
  if (!p.work) return;
  std::map<std::int64_t, std::shared_ptr<RoomStream>> rooms;
  {
    std::lock_guard lock(p.mutex);
    rooms.swap(p.rooms);
  }
  std::mutex done_mutex;
  std::condition_variable done_changed;
  std::size_t pending = rooms.size();
  for (const auto& [id, room] : rooms) {
    room->stop([&] {
      std::lock_guard lock(done_mutex);
      --pending;
      done_changed.notify_all();
    });
  }
  {
    std::unique_lock lock(done_mutex);
    if (!done_changed.wait_for(lock, std::chrono::seconds(10), [&] { return pending == 0; })) {
      ops::logger().warn("streaming: relays still stopping at shutdown", {{"rooms", pending}});
    }
  }
  {
    // Rooms taken out of service just before, still letting go of their ports.
    std::unique_lock lock(p.mutex);
    p.retired.wait_for(lock, std::chrono::seconds(10), [&p] { return p.retiring == 0; });
  }
  std::promise<void> stopped;
  asio::post(p.gstreamer, [&p, &stopped] {
    if (p.tick_timer) p.tick_timer->cancel();
    if (p.demo_retry) p.demo_retry->cancel();
    if (p.demo_encoder) p.demo_encoder->stop();
    stopped.set_value();
  });
  stopped.get_future().wait_for(std::chrono::seconds(5));
  p.work.reset();
  p.gstreamer.stop();
  if (p.gstreamer_thread.joinable()) p.gstreamer_thread.join();
  rooms.clear();
  p.demo_encoder.reset();
}

std::shared_ptr<RoomStream> StreamingService::room(std::int64_t room_id) const {
  std::lock_guard lock(parts_->mutex);
  const auto found = parts_->rooms.find(room_id);
  return found == parts_->rooms.end() ? nullptr : found->second;
}

int StreamingService::free_port(db::Connection& connection, std::optional<std::int64_t> for_room) {
  const std::vector<int> used = db::stream_store::used_ports(connection);
  const auto taken = [&](int port) {
    const auto owner = db::stream_store::room_on_port(connection, port);
    return owner && owner != for_room;
  };
  if (options_.srt_port_base == 0) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const int port = try_bind_udp(options_.srt_address, 0);
      if (port != 0 && !taken(port)) return port;
    }
  } else {
    for (int port = options_.srt_port_base; port < std::min(65536, options_.srt_port_base + 1000); ++port) {
      if (std::binary_search(used.begin(), used.end(), port)) continue;
      if (try_bind_udp(options_.srt_address, port) == port) return port;
    }
  }
  throw std::runtime_error("no free UDP port for an SRT listener");
}

db::StoredRoomStream StreamingService::ensure_stream(db::Connection& connection, std::int64_t room_id,
                                                      std::int64_t now) {
  if (auto existing = db::stream_store::find_room_stream(connection, room_id)) return *existing;
  db::StoredRoomStream stream;
  stream.room_id = room_id;
  stream.srt_port = free_port(connection, room_id);
  stream.stream_key = auth::new_token("srt");
  stream.audio_only = true;
  stream.key_rotated_at = now;
  stream.updated_at = now;
  db::stream_store::put_room_stream(connection, stream);
  return *db::stream_store::find_room_stream(connection, room_id);
}

void StreamingService::reconcile() {
  Parts& p = *parts_;
  if (!available_ || p.stopping) return;
  std::vector<db::stream_store::StreamedRoom> rows =
      p.database.read([](db::Connection& connection) { return db::stream_store::list_streamed_rooms(connection); });
  if (std::any_of(rows.begin(), rows.end(), [](const auto& row) { return !row.stream; })) {
    rows = p.database.write([&](db::Connection& connection) {
      const std::int64_t now = domain::unix_now();
      for (const auto& row : db::stream_store::list_streamed_rooms(connection)) {
        if (!row.stream) ensure_stream(connection, row.room_id, now);
      }
      return db::stream_store::list_streamed_rooms(connection);
    });
  }
  std::vector<RoomSettings> wanted = p.database.read([&](db::Connection& connection) {
    std::map<std::int64_t, std::optional<domain::Event>> events;
    std::vector<RoomSettings> settings;
    for (const auto& row : rows) {
      if (!row.stream) continue;
      auto& event = events[row.event_id];
      if (!event) event = db::agenda_store::find_event_by_id(connection, row.event_id);
      if (!event) continue;
      settings.push_back(RoomSettings{.room_id = row.room_id,
                                      .event_id = row.event_id,
                                      .event_slug = event->slug,
                                      .event_delegates_only = event->visibility == domain::Visibility::delegates,
                                      .stream = *row.stream});
    }
    return settings;
  });

  std::lock_guard lock(p.mutex);
  if (p.stopping) return;
  std::set<std::int64_t> seen;
  for (auto& settings : wanted) {
    seen.insert(settings.room_id);
    const auto found = p.rooms.find(settings.room_id);
    if (found == p.rooms.end()) {
      auto stream = RoomStream::create(*p.environment, settings);
      p.rooms.emplace(settings.room_id, stream);
      stream->start();
    } else if (!(found->second->snapshot().settings == settings)) {
      found->second->update(std::move(settings));
    }
  }
  for (auto it = p.rooms.begin(); it != p.rooms.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    ops::logger().info("stream: the room is no longer streamed", {{"room", it->first}});
    ++p.retiring;
    it->second->stop(
        [&p] {
          std::lock_guard retiring_lock(p.mutex);
          --p.retiring;
          p.retired.notify_all();
        },
        /*end_session=*/true);
    it = p.rooms.erase(it);
  }
}

void StreamingService::start_demo_encoder(std::int64_t room_id) {
  Parts& p = *parts_;
  if (!available_) return;
  asio::post(p.gstreamer, [this, room_id] {
    Parts& q = *parts_;
    if (q.stopping) return;
    const auto stream = room(room_id);
    if (!stream) {
      ops::logger().warn("demo encoder: the room is not streamed", {{"room", room_id}});
      return;
    }
    const auto settings = stream->snapshot().settings;
    streaming::EncoderConfig config;
    config.host = options_.srt_address == "0.0.0.0" ? "127.0.0.1" : options_.srt_address == "::" ? "::1"
                                                                                                  : options_.srt_address;
    config.port = static_cast<std::uint16_t>(settings.stream.srt_port);
    config.stream_id = settings.stream.stream_key;
    config.passphrase = settings.stream.passphrase.value_or("");
    config.width = 640;
    config.height = 360;
    config.fps = 25;
    config.video_kbps = 600;
    config.tracks = {{"mul", 220.0}, {"en", 440.0}, {"vi", 660.0}};
    ops::logger().info("demo encoder: sending the venue's test stream",
                       {{"room", room_id}, {"srt", encoder_url(config.host, settings.stream)}});
    q.demo_encoder = streaming::SyntheticEncoder::create(
        q.gstreamer.get_executor(), config, [this, room_id](const streaming::EncoderResult& result) {
          Parts& r = *parts_;
          if (r.stopping) return;
          ops::logger().warn("demo encoder stopped; starting it again in 5 s", {{"reason", result.error}});
          if (!r.demo_retry) r.demo_retry = std::make_unique<asio::steady_timer>(r.gstreamer);
          r.demo_retry->expires_after(std::chrono::seconds(5));
          r.demo_retry->async_wait([this, room_id](boost::system::error_code error) {
            if (!error) start_demo_encoder(room_id);
          });
        });
    q.demo_encoder->start();
  });
}

}  // namespace plenary::relay
