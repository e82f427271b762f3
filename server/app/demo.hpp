#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace plenary::auth {
class AuthService;
}
namespace plenary::db {
class Database;
}

namespace plenary::app {

struct DemoCredentials {
  std::string email;
  std::string password;
  std::string delegate_name;
  std::string delegate_code;  // a fresh access code on every start
};

inline constexpr const char* kDemoAdminEmail = "admin@plenary.example";
inline constexpr const char* kDemoDelegateEmail = "delegate@plenary.example";

// Seeds the demo into an empty or earlier demo database: a demo admin whose
// password is generated once and kept (mode 0600) in <data_dir>/demo-admin.json,
// so every run prints working credentials, and the SOMRI-21 meeting, in
// progress at `now` (see demo_meeting.hpp). Idempotent. Runs before serving,
// on the calling thread.
DemoCredentials seed_demo(db::Database& database, auth::AuthService& auth, const std::filesystem::path& data_dir,
                          std::int64_t now);
DemoCredentials seed_demo_admin(db::Database& database, auth::AuthService& auth, const std::filesystem::path& data_dir);

}  // namespace plenary::app
