#include "auth/playback_token.hpp"

#include <string>

#include <doctest/doctest.h>

using namespace plenary::auth;

namespace {

constexpr std::int64_t kNow = 1'734'400'000;  // 2024-12-17, during the meeting
constexpr std::int64_t kRoom = 3;

PlaybackGrant two_hours_for_delegate_42() { return {kRoom, 42, kNow + 2 * 3600}; }

}  // namespace

TEST_CASE("a delegate's playback token lets them watch their room until it expires, and only that room") {
  const PlaybackSecret secret = new_playback_secret();
  const std::string token = sign_playback_token(secret, two_hours_for_delegate_42());
  CHECK(token.rfind("plp_", 0) == 0);
  CHECK(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
        std::string::npos);  // fits in a URL path as it is

  const PlaybackVerdict now = verify_playback_token(secret, token, kRoom, kNow);
  CHECK(now.check == PlaybackCheck::valid);
  CHECK(now.grant.registration_id == 42);
  CHECK(now.grant.expires_at == kNow + 7200);
  CHECK(verify_playback_token(secret, token, kRoom, kNow + 7199).check == PlaybackCheck::valid);
  CHECK(verify_playback_token(secret, token, kRoom, kNow + 7200).check == PlaybackCheck::expired);
  CHECK(verify_playback_token(secret, token, kRoom + 1, kNow).check == PlaybackCheck::wrong_room);
}

TEST_CASE("a playback token signed with another secret, or altered, is refused") {
  const PlaybackSecret secret = new_playback_secret();
  const std::string token = sign_playback_token(secret, two_hours_for_delegate_42());
  CHECK(verify_playback_token(new_playback_secret(), token, kRoom, kNow).check == PlaybackCheck::bad_signature);

  SUBCASE("a longer lifetime written into the payload") {
    const std::string forged_payload = sign_playback_token(new_playback_secret(), {kRoom, 42, kNow + 365 * 86400});
    const std::string forged = forged_payload.substr(0, forged_payload.find('.')) + token.substr(token.find('.'));
    CHECK(verify_playback_token(secret, forged, kRoom, kNow).check == PlaybackCheck::bad_signature);
  }
  SUBCASE("one character of the signature changed") {
    std::string altered = token;
    altered.back() = altered.back() == 'A' ? 'B' : 'A';
    CHECK(verify_playback_token(secret, altered, kRoom, kNow).check != PlaybackCheck::valid);
  }
}

TEST_CASE("anything that is not a playback token is malformed, never valid") {
  const PlaybackSecret secret = new_playback_secret();
  const std::string token = sign_playback_token(secret, two_hours_for_delegate_42());
  for (const std::string& bad : {std::string(), std::string("plp_"), std::string("plp_."), token.substr(4),
                                std::string("pld_") + token.substr(4), token.substr(0, token.find('.')),
                                token + "=", token + ".x", std::string("plp_%%%.%%%")}) {
    CAPTURE(bad);
    CHECK(verify_playback_token(secret, bad, kRoom, kNow).check == PlaybackCheck::malformed);
  }
}
