#pragma once

#include <array>
#include <string>
#include <string_view>

namespace plenary::auth {

// Bearer tokens are "<prefix>_" + 43 base64url characters (256 random bits).
// The prefix says what kind of principal a token is for ("plh" for hosts), so
// a leaked token is recognisable and lookups go to the right table.
inline constexpr std::string_view kHostTokenPrefix = "plh_";

using TokenHash = std::array<unsigned char, 32>;

std::string new_token(std::string_view prefix);
// BLAKE2b-256 of the whole token: what the database stores. A fast hash is
// right here: tokens carry 256 bits of entropy, unlike passwords.
TokenHash hash_token(std::string_view token);

}  // namespace plenary::auth
