#include "auth/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <semaphore>
#include <stdexcept>

#include "ops/cores.hpp"

namespace plenary::auth {
namespace {

// Each argon2id hash or check takes 64 MiB and a core for a while: at most
// one per core at a time, however many worker threads wait on the database.
class HashSlot {
 public:
  HashSlot() { slots().acquire(); }
  ~HashSlot() { slots().release(); }
  HashSlot(const HashSlot&) = delete;
  HashSlot& operator=(const HashSlot&) = delete;

 private:
  static std::counting_semaphore<256>& slots() {
    static std::counting_semaphore<256> semaphore(
        static_cast<std::ptrdiff_t>(std::clamp(ops::usable_cores(), 1u, 256u)));
    return semaphore;
  }
};

}  // namespace

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  const HashSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) noexcept {
  try {
    ensure_sodium();
  } catch (...) {
    return false;
  }
  const std::string hash(stored_hash);  // libsodium wants a NUL-terminated string
  const HashSlot slot;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void burn_verify_time(std::string_view password) noexcept {
  static const std::string dummy = [] {
    try {
      return hash_password("plenary-timing-equaliser");
    } catch (...) {
      return std::string();
    }
  }();
  (void)verify_password(dummy, password);
}

std::string random_password() {
  ensure_sodium();
  // No look-alikes (0/O, 1/l/I): people read it off a terminal.
  static constexpr std::string_view kAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  for (int i = 0; i < 20; ++i) {
    password += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return password;
}

}  // namespace plenary::auth
