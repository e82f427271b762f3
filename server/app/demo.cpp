#include "app/demo.hpp"

#include <fstream>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "app/demo_delegates.hpp"
#include "app/demo_meeting.hpp"
#include "auth/auth_service.hpp"
#include "auth/password.hpp"
#include "auth/token.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/registration_store.hpp"
#include "db/user_store.hpp"
#include "ops/log.hpp"

namespace plenary::app {
namespace {

std::optional<DemoCredentials> read_saved(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  const auto saved = nlohmann::json::parse(in, nullptr, false);
  if (!saved.is_object() || !saved.contains("email") || !saved.contains("password")) return std::nullopt;
  return DemoCredentials{saved["email"].get<std::string>(), saved["password"].get<std::string>()};
}

void save(const std::filesystem::path& file, const DemoCredentials& credentials) {
  const std::filesystem::path temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << nlohmann::json{{"email", credentials.email}, {"password", credentials.password}}.dump(2) << '\n';
  }
  ::chmod(temporary.c_str(), 0600);
  std::filesystem::rename(temporary, file);
}

}  // namespace

DemoCredentials seed_demo_admin(db::Database& database, auth::AuthService& auth,
                                const std::filesystem::path& data_dir) {
  const std::filesystem::path file = data_dir / "demo-admin.json";
  const auto existing =
      database.read([](db::Connection& c) { return db::user_store::find_by_email(c, kDemoAdminEmail); });
  if (auto saved = read_saved(file);
      saved && existing && auth::verify_password(existing->password_hash, saved->password)) {
    return *saved;
  }
  DemoCredentials credentials{kDemoAdminEmail, auth::random_password()};
  if (existing) {
    // The saved password is gone or stale: give the demo admin a fresh one.
    const std::string hash = auth::hash_password(credentials.password);
    database.write([&](db::Connection& c) { db::user_store::set_password(c, existing->id, hash); });
  } else {
    auth.create_host(credentials.email, auth::Role::admin, credentials.password);
  }
  save(file, credentials);
  ops::logger().info("demo admin ready", {{"email", credentials.email}});
  return credentials;
}

DemoCredentials seed_demo(db::Database& database, auth::AuthService& auth, const std::filesystem::path& data_dir,
                          std::int64_t now) {
  DemoCredentials credentials = seed_demo_admin(database, auth, data_dir);
  const auto admin = database.read([](db::Connection& c) { return db::user_store::find_by_email(c, kDemoAdminEmail); });
  seed_demo_meeting(database, admin->id, admin->email, now);
  // About 600 delegates in every state, seats and check-ins; once per data directory.
  seed_demo_delegates(database, admin->id, now);
  // One approved delegate, with a new access code each start (only hashes are kept).
  credentials.delegate_name = "Nguyễn Minh Anh";
  credentials.delegate_code = auth::new_access_code();
  database.write([&](db::Connection& c) {
    const auto event = db::agenda_store::find_event(c, kDemoEventSlug);
    auto registration = db::registration_store::find_registration_by_email(c, event->id, kDemoDelegateEmail);
    std::int64_t id = registration ? registration->id : 0;
    if (!registration) {
      domain::Registration delegate;
      delegate.event_id = event->id;
      delegate.name = credentials.delegate_name;
      delegate.position = "Chuyên viên";
      delegate.organisation = "Bộ Thông tin và Truyền thông";
      delegate.delegation = "VN";
      delegate.email = kDemoDelegateEmail;
      delegate.preferred_language = "vi";
      delegate.status = domain::RegistrationStatus::approved;
      delegate.created_at = delegate.updated_at = now;
      id = db::registration_store::insert_registration(c, delegate, std::nullopt);
    } else if (registration->status != domain::RegistrationStatus::approved) {
      db::registration_store::set_status(c, id, domain::RegistrationStatus::approved, admin->id, now);
    }
    db::registration_store::replace_access_code(
        c, id, auth::hash_token(auth::normalize_access_code(credentials.delegate_code)), now);
  });
  return credentials;
}

}  // namespace plenary::app
