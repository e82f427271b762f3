#include "relay/room_stream.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <fstream>
#include <sstream>

#include "db/database.hpp"
#include "domain/instant.hpp"
#include "relay/hls_path.hpp"
#include "ops/log.hpp"
#include "streaming/room_relay.hpp"

namespace plenary::relay {

namespace asio = boost::asio;

namespace {

constexpr std::size_t kBitrateSegments = 6;
// The detail on_segment passes when the stream has become playable.
constexpr const char* kPlayable = "playable";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool same_relay_settings(const db::StoredRoomStream& a, const db::StoredRoomStream& b) {
  return a.srt_port == b.srt_port && a.passphrase == b.passphrase && a.track_languages == b.track_languages &&
         a.audio_only == b.audio_only && a.low_video_height == b.low_video_height;
}

}  // namespace

const char* to_string(StreamState state) {
  switch (state) {
    case StreamState::idle: return "idle";
    case StreamState::live: return "live";
    case StreamState::reconnecting: return "reconnecting";
    case StreamState::error: return "error";
  }
  return "idle";
}

std::shared_ptr<RoomStream> RoomStream::create(const StreamEnvironment& environment, RoomSettings settings) {
  return std::shared_ptr<RoomStream>(new RoomStream(environment, std::move(settings)));
}

RoomStream::RoomStream(const StreamEnvironment& environment, RoomSettings settings)
    : environment_(environment), strand_(asio::make_strand(environment.workers)) {
  snapshot_.settings = std::move(settings);
  snapshot_.since = domain::unix_now();
}

RoomStream::~RoomStream() = default;

template <class F>
void RoomStream::on_strand(F&& work) {
  asio::post(strand_, [self = shared_from_this(), work = std::forward<F>(work)]() mutable { work(*self); });
}

void RoomStream::start() {
  on_strand([](RoomStream& self) {
    self.start_relay();
    // A session left live by a process that stopped mid-stream: the stream
    // has the grace time to come back before the session ends.
    try {
      const std::int64_t room = self.snapshot().settings.room_id;
      if (auto session = left_live(self.environment_.airing, room)) {
        const SnapshotChange change(self);
        self.snapshot_.session = std::move(*session);
        self.gone_since_ = std::chrono::steady_clock::now();
      }
    } catch (const std::exception& error) {
      ops::logger().error("stream: cannot read the room's sessions", {{"reason", error.what()}});
    }
  });
}

void RoomStream::start_relay() {
  const RoomSettings settings = snapshot().settings;
  relay_settings_ = settings.stream;
  {
    // Only this relay's first report answers for it (an old relay's last
    // reports were handled on this strand before its stop completed).
    const SnapshotChange change(*this);
    snapshot_.answered.reset();
  }
  const std::string run = new_run_name();
  const std::filesystem::path room_dir = environment_.media_dir / "live" / std::to_string(settings.room_id);
  const std::filesystem::path run_dir = room_dir / run;
  // Earlier runs are over: players moved on with the master playlist, and a
  // recording keeps its own links to the segments.
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(room_dir, error)) {
    std::filesystem::remove_all(entry.path(), error);
  }
  std::filesystem::create_directories(run_dir, error);

  streaming::RelayConfig config;
  config.room = "room " + std::to_string(settings.room_id);
  config.listen_address = environment_.srt_address;
  config.port = static_cast<std::uint16_t>(settings.stream.srt_port);
  config.stream_id = settings.stream.stream_key;
  config.passphrase = settings.stream.passphrase.value_or("");
  config.output_dir = run_dir;
  config.audio_only_variant = settings.stream.audio_only;
  config.low_video_height = settings.stream.low_video_height.value_or(0);
  config.track_languages = settings.stream.track_languages;

  std::weak_ptr<RoomStream> weak = weak_from_this();
  const auto post = [weak](auto work) {
    if (auto self = weak.lock()) self->on_strand(std::move(work));
  };
  streaming::RelayCallbacks callbacks;
  callbacks.on_state = [post](streaming::RelayState state, const std::string& detail) {
    post([state, detail](RoomStream& self) { self.on_state(state, detail); });
  };
  callbacks.on_segment = [post](const streaming::SegmentClosed& segment) {
    post([segment](RoomStream& self) { self.on_segment(segment); });
  };
  callbacks.on_track = [post](const streaming::TrackInfo& track) {
    post([track](RoomStream& self) { self.on_track(track); });
  };
  callbacks.on_caller = [post](const streaming::CallerEvent& event) {
    post([event](RoomStream& self) { self.on_caller(event); });
  };
  callbacks.on_log = [room = settings.room_id](const std::string& line) {
    ops::logger().warn("relay", {{"room", room}, {"detail", line}});
  };
  try {
    auto relay = streaming::RoomRelay::create(environment_.gstreamer, std::move(config), std::move(callbacks));
    relay->start();
    std::lock_guard lock(mutex_);
    relay_ = std::move(relay);
  } catch (const std::exception& failure) {
    {
      const SnapshotChange change(*this);
      snapshot_.answered = relay_settings_;
    }
    set_state(StreamState::error, failure.what());
    ops::logger().error("stream: the relay cannot start", {{"room", settings.room_id}, {"reason", failure.what()}});
    return;
  }
  const SnapshotChange change(*this);
  snapshot_.run = run;
  snapshot_.run_dir = run_dir;
  snapshot_.renditions.clear();
  sizes_.clear();
  ops::logger().info("stream: listening for the room's encoder",
                     {{"room", settings.room_id}, {"srt_port", settings.stream.srt_port}, {"run", run}});
}

void RoomStream::update(RoomSettings settings) {
  on_strand([settings = std::move(settings)](RoomStream& self) mutable {
    const RoomSettings before = self.snapshot().settings;
    {
      const SnapshotChange change(self);
      self.snapshot_.settings = settings;
    }
    if (self.stopping_) return;
    if (!same_relay_settings(before.stream, settings.stream)) {
      ops::logger().info("stream: settings changed, restarting the relay", {{"room", settings.room_id}});
      std::shared_ptr<streaming::RoomRelay> old;
      {
        const SnapshotChange change(self);
        old = std::move(self.relay_);
        self.snapshot_.answered.reset();
      }
      if (self.recording_) self.recording_->discontinuity();
      if (!old) {
        self.start_relay();
        return;
      }
      // The new listener needs the old one's port: start it once that is free.
      old->stop([weak = self.weak_from_this()] {
        if (auto me = weak.lock()) me->on_strand([](RoomStream& s) {
            if (!s.stopping_) s.start_relay();
          });
      });
      return;
    }
    if (before.stream.stream_key != settings.stream.stream_key) self.apply_key_now(settings.stream.stream_key);
  });
}

void RoomStream::stop(std::function<void()> done, bool end_session) {
  on_strand([done = std::move(done), end_session](RoomStream& self) mutable {
    if (end_session && !self.stopping_) self.end_session(domain::unix_now());
    self.stopping_ = true;
    std::shared_ptr<streaming::RoomRelay> relay;
    {
      std::lock_guard lock(self.mutex_);
      relay = std::move(self.relay_);
    }
    if (!relay) {
      if (done) done();
      return;
    }
    relay->stop([relay, done = std::move(done)] {
      if (done) done();
    });
  });
}

void RoomStream::set_state(StreamState state, const std::string& detail) {
  const SnapshotChange change(*this);
  if (snapshot_.state != state) snapshot_.since = domain::unix_now();
  snapshot_.state = state;
  snapshot_.detail = detail;
}

void RoomStream::on_state(streaming::RelayState state, const std::string& detail) {
  if (stopping_) return;
  if (!snapshot().answered && (state == streaming::RelayState::idle || state == streaming::RelayState::error)) {
    const SnapshotChange change(*this);
    snapshot_.answered = relay_settings_;
  }
  const StreamState before = snapshot().state;
  const std::int64_t now = domain::unix_now();
  switch (state) {
    case streaming::RelayState::live: {
      // A publisher is connected; the stream is live for players once its
      // master playlist lists every track (see on_segment). Its access
      // follows the session from now on: a delegates-only session's first
      // segments are never open to all.
      if (!snapshot().session) {
        try {
          auto session =
              session_on_air(environment_.airing, snapshot().settings.room_id, now, environment_.early_seconds);
          const SnapshotChange change(*this);
          if (!snapshot_.session) snapshot_.session = std::move(session);
        } catch (const std::exception& error) {
          ops::logger().error("stream: cannot read the room's sessions", {{"reason", error.what()}});
        }
      }
      if (detail != kPlayable) break;
      {
        const SnapshotChange change(*this);
        if (before != StreamState::reconnecting || !snapshot_.started_at) snapshot_.started_at = now;
      }
      gone_since_.reset();
      // Playable first, then on air: a phone that hears session.live and
      // asks for the stream finds it live. Access already follows the
      // session (above), so nothing is open that should not be.
      set_state(StreamState::live, "");
      bind_session(now);
      break;
    }
    case streaming::RelayState::idle:
      if (before == StreamState::live) {
        set_state(StreamState::reconnecting, detail);
        gone_since_ = std::chrono::steady_clock::now();
        if (recording_) recording_->discontinuity();
      } else if (before == StreamState::error) {
        set_state(StreamState::idle, "");
      }
      break;
    case streaming::RelayState::error:
      set_state(StreamState::error, detail);
      if (!gone_since_) gone_since_ = std::chrono::steady_clock::now();
      if (recording_) recording_->discontinuity();
      ops::logger().error("stream: relay error", {{"room", snapshot().settings.room_id}, {"reason", detail}});
      break;
    case streaming::RelayState::stopped:
      break;
  }
}

void RoomStream::on_segment(const streaming::SegmentClosed& segment) {
  // Live for players once the master playlist can be played: segments
  // flowing are also the surest sign, whatever order the relay's state
  // changes came in.
  if (!stopping_ && snapshot().state != StreamState::live && master_ready()) {
    on_state(streaming::RelayState::live, kPlayable);
  }
  const double seconds = std::chrono::duration<double>(segment.duration).count();
  if (segment.bytes > 0 && seconds > 0.2) {
    auto& last = sizes_[segment.rendition].last;
    last.emplace_back(segment.bytes, seconds);
    if (last.size() > kBitrateSegments) last.pop_front();
    double total_bytes = 0;
    double total_seconds = 0;
    for (const auto& [b, s] : last) {
      total_bytes += static_cast<double>(b);
      total_seconds += s;
    }
    const SnapshotChange change(*this);
    auto found = std::find_if(snapshot_.renditions.begin(), snapshot_.renditions.end(),
                              [&](const RenditionStatus& r) { return r.name == segment.rendition; });
    // The relay's own variants (audio-only, lower resolution) show up here first.
    if (found == snapshot_.renditions.end()) {
      found = snapshot_.renditions.insert(snapshot_.renditions.end(), RenditionStatus{.name = segment.rendition});
    }
    found->bits_per_second = 8 * total_bytes / total_seconds;
  }
  record(segment);
}

void RoomStream::record(const streaming::SegmentClosed& segment) {
  if (!recording_) return;
  const bool was_paused = recording_paused_;
  if (!check_reserve()) return;
  if (was_paused) recording_->discontinuity();
  recording_->add(snapshot().run, segment);
}

bool RoomStream::check_reserve() {
  std::error_code error;
  const auto space = std::filesystem::space(environment_.media_dir, error);
  // A disk that cannot be asked is not assumed full.
  const bool room_left = error || space.available >= environment_.media_reserve_bytes;
  if (room_left == !recording_paused_) return room_left;
  recording_paused_ = !room_left;
  const std::int64_t room = snapshot().settings.room_id;
  if (recording_paused_) {
    ops::logger().error("stream: recording paused, the media disk is down to its reserve",
                        {{"room", room},
                         {"available_mib", space.available >> 20},
                         {"reserve_mib", environment_.media_reserve_bytes >> 20}});
  } else {
    ops::logger().info("stream: recording resumed", {{"room", room}, {"available_mib", space.available >> 20}});
  }
  const SnapshotChange change(*this);
  snapshot_.recording = !recording_paused_;
  return room_left;
}

void RoomStream::on_track(const streaming::TrackInfo& track) {
  const SnapshotChange change(*this);
  RenditionStatus* entry = nullptr;
  for (auto& rendition : snapshot_.renditions) {
    if (rendition.name == track.rendition) entry = &rendition;
  }
  if (entry == nullptr) entry = &snapshot_.renditions.emplace_back(RenditionStatus{.name = track.rendition});
  entry->codec = track.codec;
  if (!track.codecs.empty()) entry->codecs = track.codecs;
  if (!track.language.empty()) entry->language = track.language;
  if (track.width > 0) entry->width = track.width;
  if (track.height > 0) entry->height = track.height;
}

void RoomStream::on_caller(const streaming::CallerEvent& event) {
  const std::int64_t room = snapshot().settings.room_id;
  switch (event.kind) {
    case streaming::CallerEvent::Kind::connected: {
      ops::logger().info("stream: encoder connected", {{"room", room}, {"peer", event.peer}});
      const SnapshotChange change(*this);
      snapshot_.publisher = event.peer;
      break;
    }
    case streaming::CallerEvent::Kind::disconnected: {
      ops::logger().info("stream: encoder disconnected", {{"room", room}, {"peer", event.peer}});
      const SnapshotChange change(*this);
      if (snapshot_.publisher == event.peer) snapshot_.publisher.clear();
      break;
    }
    case streaming::CallerEvent::Kind::rejected: {
      // The relay logs refusals itself, a line per ten seconds at most.
      const SnapshotChange change(*this);
      ++snapshot_.refused;
      snapshot_.last_refused_at = domain::unix_now();
      snapshot_.last_refused_peer = event.peer;
      break;
    }
  }
}

void RoomStream::bind_session(std::int64_t now) {
  if (snapshot().session && recording_) return;
  try {
    std::optional<AiredSession> session =
        put_on_air(environment_.airing, snapshot().settings.room_id, now, environment_.early_seconds);
    // One taken up after a restart stays, even if its time is over.
    if (!session) session = snapshot().session;
    if (!session) return;
    if (!recording_) {
      recording_.emplace(environment_.media_dir / recording_folder(session->id), [](const std::string& line) {
        ops::logger().warn("stream: recording", {{"detail", line}});
      });
      check_reserve();  // hosts see a paused recording from its start
    }
    const SnapshotChange change(*this);
    snapshot_.session = std::move(session);
  } catch (const std::exception& error) {
    ops::logger().error("stream: cannot put the session on air", {{"reason", error.what()}});
  }
}

void RoomStream::end_session(std::int64_t now) {
  const auto session = snapshot().session;
  if (!session) return;
  double seconds = 0;
  if (recording_) {
    recording_->finish(master_text());
    seconds = recording_->seconds();
    recording_.reset();
  }
  try {
    take_off_air(environment_.airing, session->id, seconds, now);
  } catch (const std::exception& error) {
    ops::logger().error("stream: cannot end the session", {{"session", session->id}, {"reason", error.what()}});
  }
  const SnapshotChange change(*this);
  snapshot_.session.reset();
}

void RoomStream::tick() {
  on_strand([](RoomStream& self) {
    if (self.stopping_) return;
    const std::int64_t now = domain::unix_now();
    const StreamSnapshot current = self.snapshot();
    if (self.gone_since_ && std::chrono::steady_clock::now() - *self.gone_since_ >= self.environment_.session_grace) {
      self.gone_since_.reset();
      self.end_session(now);
      if (current.state == StreamState::reconnecting) self.set_state(StreamState::idle, "");
      return;
    }
    if (current.state != StreamState::live) return;
    try {
      if (!current.session) {
        self.bind_session(now);
        return;
      }
      const auto fresh = reread_aired(self.environment_.airing, current.session->id, current.settings.room_id);
      if (!fresh) {
        // Cancelled, deleted or moved away: the stream no longer shows it.
        self.end_session(now);
        self.bind_session(now);
        return;
      }
      {
        const SnapshotChange change(self);
        self.snapshot_.session = fresh;
      }
      // Over, and the next session in the room has begun: hand over.
      if (fresh->ends_at <= now) {
        const auto following = self.environment_.airing.database.read([&](db::Connection& connection) {
          return db::stream_store::session_on_air_at(connection, current.settings.room_id, now, 0);
        });
        if (following && *following != fresh->id) {
          self.end_session(now);
          self.bind_session(now);
        }
      }
    } catch (const std::exception& error) {
      ops::logger().error("stream: cannot follow the agenda", {{"reason", error.what()}});
    }
  });
}

bool RoomStream::master_ready() const {
  const StreamSnapshot current = snapshot();
  const std::string master = read_file(current.run_dir / "master.m3u8");
  if (master.empty()) return false;
  // Every track of the publisher's (the video and each language) is listed:
  // a player that starts now is offered every interpretation.
  return std::all_of(current.renditions.begin(), current.renditions.end(), [&](const RenditionStatus& r) {
    return r.codec.empty() || master.find(r.name + "/index.m3u8") != std::string::npos;
  });
}

std::string RoomStream::master_text() const {
  return read_file(snapshot().run_dir / "master.m3u8");
}

void RoomStream::apply_key_now(const std::string& stream_key) {
  std::shared_ptr<streaming::RoomRelay> relay;
  {
    const SnapshotChange change(*this);
    relay = relay_;
    snapshot_.settings.stream.stream_key = stream_key;
  }
  if (relay) relay->set_stream_id(stream_key);
}

RoomStream::SnapshotChange::SnapshotChange(RoomStream& stream) : stream_(stream), lock_(stream.mutex_) {}

RoomStream::SnapshotChange::~SnapshotChange() {
  ++stream_.version_;
  lock_.unlock();
  stream_.changed_.notify_all();
}

std::uint64_t RoomStream::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

bool RoomStream::wait_changed(std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] { return version_ != seen; });
}

bool RoomStream::wait_listening(const db::StoredRoomStream& wanted,
                                std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, deadline, [&] {
    return snapshot_.answered && same_relay_settings(*snapshot_.answered, wanted);
  });
}

StreamSnapshot RoomStream::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void RoomStream::note_viewer(const std::string& who) {
  std::lock_guard lock(mutex_);
  viewers_.note(who, std::chrono::steady_clock::now());
}

std::size_t RoomStream::viewers() const {
  std::lock_guard lock(mutex_);
  return viewers_.count(std::chrono::steady_clock::now());
}

}  // namespace plenary::relay
