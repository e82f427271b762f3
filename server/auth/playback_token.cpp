#include "auth/playback_token.hpp"

#include <sodium.h>

#include <charconv>
#include <vector>

#include "auth/password.hpp"

namespace plenary::auth {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr std::size_t kMaxPayload = 80;  // "v1." and three 19-digit numbers fit

std::string base64url(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The bytes `text` encodes, or false when it is not canonical base64url.
bool from_base64url(std::string_view text, std::size_t max_size, std::vector<unsigned char>& out) {
  out.assign(max_size, 0);
  std::size_t size = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, nullptr, kVariant) != 0) {
    return false;
  }
  out.resize(size);
  // Canonical only: one token, one spelling.
  return base64url(out.data(), out.size()) == text;
}

bool read_number(std::string_view& rest, std::int64_t& value) {
  const std::size_t dot = rest.find('.');
  const std::string_view field = rest.substr(0, dot);
  if (field.empty() || (field.size() > 1 && field.front() == '0')) return false;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size() || value < 0) return false;
  rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  return true;
}

}  // namespace

PlaybackSecret new_playback_secret() {
  ensure_sodium();
  PlaybackSecret secret{};
  crypto_auth_hmacsha256_keygen(secret.data());
  return secret;
}

std::string sign_playback_token(const PlaybackSecret& secret, const PlaybackGrant& grant) {
  ensure_sodium();
  const std::string payload = "v1." + std::to_string(grant.room_id) + "." + std::to_string(grant.registration_id) +
                              "." + std::to_string(grant.expires_at);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), secret.data());
  return std::string(kPlaybackTokenPrefix) +
         base64url(reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) + "." +
         base64url(mac, sizeof mac);
}

PlaybackVerdict verify_playback_token(const PlaybackSecret& secret, std::string_view token, std::int64_t room_id,
                                      std::int64_t now) {
  ensure_sodium();
  PlaybackVerdict verdict;
  if (token.substr(0, kPlaybackTokenPrefix.size()) != kPlaybackTokenPrefix) return verdict;
  token.remove_prefix(kPlaybackTokenPrefix.size());
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos) return verdict;
  std::vector<unsigned char> payload;
  std::vector<unsigned char> mac;
  if (!from_base64url(token.substr(0, dot), kMaxPayload, payload) ||
      !from_base64url(token.substr(dot + 1), crypto_auth_hmacsha256_BYTES, mac) ||
      mac.size() != crypto_auth_hmacsha256_BYTES) {
    return verdict;
  }
  if (crypto_auth_hmacsha256_verify(mac.data(), payload.data(), payload.size(), secret.data()) != 0) {
    verdict.check = PlaybackCheck::bad_signature;
    return verdict;
  }
  std::string_view rest(reinterpret_cast<const char*>(payload.data()), payload.size());
  if (rest.substr(0, 3) != "v1.") return verdict;  // signed by us, but a format this server does not know
  rest.remove_prefix(3);
  PlaybackGrant grant;
  if (!read_number(rest, grant.room_id) || !read_number(rest, grant.registration_id) ||
      !read_number(rest, grant.expires_at) || !rest.empty()) {
    return verdict;
  }
  verdict.grant = grant;
  if (grant.room_id != room_id) {
    verdict.check = PlaybackCheck::wrong_room;
  } else if (now >= grant.expires_at) {
    verdict.check = PlaybackCheck::expired;
  } else {
    verdict.check = PlaybackCheck::valid;
  }
  return verdict;
}

}  // namespace plenary::auth
