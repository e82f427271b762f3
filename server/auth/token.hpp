#pragma once

#include <array>
#include <string>
#include <string_view>

namespace plenary::auth {

// Bearer tokens are "<prefix>_" + 43 base64url characters (256 random bits).
// The prefix says what kind of principal a token is for ("plh" for hosts), so
// a leaked token is recognisable and lookups go to the right table.
inline constexpr std::string_view kHostTokenPrefix = "plh_";
inline constexpr std::string_view kDelegateTokenPrefix = "pld_";

// A personal access code as a delegate types it: 12 characters in groups of
// four from an alphabet without look-alikes ("K7QM-3XPA-9HTC", 60 bits).
std::string new_access_code();
// Upper-cased, without spaces and dashes: how codes are compared.
std::string normalize_access_code(std::string_view code);

using TokenHash = std::array<unsigned char, 32>;

std::string new_token(std::string_view prefix);
// BLAKE2b-256 of the whole token: what the database stores. A fast hash is
// right here: tokens carry 256 bits of entropy, unlike passwords.
TokenHash hash_token(std::string_view token);

}  // namespace plenary::auth
