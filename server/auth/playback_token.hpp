#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace plenary::auth {

// Playback tokens: a signed, expiring permission for one delegate to watch
// one room's stream (the video relay's delegates-only sessions). They are
// checked on every playlist and segment request without a database read, so
// they carry what is checked and an HMAC-SHA-256 over it with a server
// secret:
//
//   "plp_" base64url(payload) "." base64url(mac)
//   payload = "v1.{room id}.{registration id}.{expires, unix seconds}"
//
// Only base64url characters and '.', so a token can stand in a URL path:
// players do not carry a query string over to the relative URIs of segments.
// A token cannot be taken back before it expires: keep lifetimes short (the
// playlist is refetched every few seconds; a new token costs nothing).
// Pure functions; thread-safe.
inline constexpr std::string_view kPlaybackTokenPrefix = "plp_";

using PlaybackSecret = std::array<unsigned char, 32>;

struct PlaybackGrant {
  std::int64_t room_id = 0;
  std::int64_t registration_id = 0;
  std::int64_t expires_at = 0;  // unix seconds
};

enum class PlaybackCheck { valid, malformed, bad_signature, expired, wrong_room };

struct PlaybackVerdict {
  PlaybackCheck check = PlaybackCheck::malformed;
  PlaybackGrant grant;  // as signed; meaningful only when valid
};

// 256 random bits, for a new server.
PlaybackSecret new_playback_secret();

std::string sign_playback_token(const PlaybackSecret& secret, const PlaybackGrant& grant);

// Whether `token` lets its holder watch `room_id` at `now` (unix seconds):
// well formed, signed with `secret` (compared in constant time), for that
// room, and not expired. The signature is checked before anything the token
// says is believed.
PlaybackVerdict verify_playback_token(const PlaybackSecret& secret, std::string_view token, std::int64_t room_id,
                                      std::int64_t now);

}  // namespace plenary::auth
