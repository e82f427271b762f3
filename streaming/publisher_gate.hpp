#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plenary::streaming {

// Decides which SRT publisher may feed a room's relay: the stream id check
// during the handshake, and admission of the connection the listener then
// accepts. Nothing from a connection reaches the segmenters unless admitted()
// (the relay drops buffers at srtsrc's pad otherwise).
//
// Why two steps: 1.22's srtobject calls srt_listen() before it installs the
// libsrt callback that emits caller-connecting, so a handshake in between is
// accepted unchecked. Admission requires that this peer's handshake passed
// check_handshake(); an unchecked connection is refused and must be dropped.
//
// Owns the current stream id (one per relay, outliving its pipelines).
// Thread-safety: every member may be called from any thread; one mutex,
// admitted() reads an atomic (it runs for every buffer).
class PublisherGate {
 public:
  explicit PublisherGate(std::string stream_id) : stream_id_{std::move(stream_id)} {}

  enum class Admission { admitted, unchecked };

  // Key rotation, effective on return: later handshakes with the old id fail.
  // Returns true when the admitted publisher had presented another id; it is
  // no longer admitted (its data stops at once) and must be disconnected.
  bool set_stream_id(std::string stream_id);

  // libsrt's handshake thread. True when the offered id is the current one (or
  // none is required); the peer is then remembered for admit().
  bool check_handshake(const std::string& peer, std::string_view offered);

  // The listener accepted `peer`'s connection.
  Admission admit(const std::string& peer);
  void disconnected() noexcept { admitted_.store(false); }
  bool admitted() const noexcept { return admitted_.load(); }
  // The admitted publisher lost its admission to set_stream_id (until reset()).
  bool revoked() const;

  // A new listener starts: forgets checked handshakes and the admitted publisher.
  void reset();

 private:
  // Handshakes that passed but whose connection was not yet accepted; one
  // listener accepts one publisher, so a few entries are plenty.
  static constexpr std::size_t kMaxChecked = 8;

  mutable std::mutex mutex_;
  std::string stream_id_;
  std::vector<std::pair<std::string, std::string>> checked_;  // peer -> id it presented
  std::string admitted_id_;
  bool revoked_ = false;
  std::atomic<bool> admitted_{false};
};

// Compares without an early exit, so the time taken does not reveal how much
// of a guessed key was right (it reveals only the expected key's length).
bool same_key(std::string_view offered, std::string_view expected) noexcept;

}  // namespace plenary::streaming
