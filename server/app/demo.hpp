#pragma once

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
};

inline constexpr const char* kDemoAdminEmail = "admin@plenary.example";

// Seeds the demo meeting into an empty or earlier demo database: a demo admin
// whose password is generated once and kept (mode 0600) in
// <data_dir>/demo-admin.json, so every run prints working credentials.
// Idempotent. Runs before serving, on the calling thread.
DemoCredentials seed_demo(db::Database& database, auth::AuthService& auth, const std::filesystem::path& data_dir);

}  // namespace plenary::app
