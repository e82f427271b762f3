#pragma once

#include <string>
#include <string_view>

namespace plenary::auth {

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 1024;

// argon2id via libsodium's crypto_pwhash_str (salt and parameters inside the
// string). Takes tens of milliseconds and 64 MiB on purpose: worker threads only.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password) noexcept;

// Costs the same as verify_password on a real hash; used when the account is
// unknown so response time does not tell which e-mail addresses exist.
void burn_verify_time(std::string_view password) noexcept;

// A random password for generated accounts (demo admin), 20 characters.
std::string random_password();

// Calls sodium_init() once; safe from any thread.
void ensure_sodium();

}  // namespace plenary::auth
