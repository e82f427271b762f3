#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/registration.hpp"

namespace plenary::db {

class Connection;

// A badge as the desk's scanner finds it: the code, whose it is, and whether
// it may still be used.
struct BadgeRecord {
  std::int64_t registration_id = 0;
  std::string code;
  std::int64_t issued_at = 0;
  std::optional<std::int64_t> revoked_at;
  // True when the code was this delegate's before a newer badge replaced it.
  bool replaced = false;
};

// One scan that checked a delegate in, at the meeting (session_id empty) or at
// one side event.
struct CheckinRecord {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::int64_t registration_id = 0;
  std::optional<std::int64_t> session_id;
  std::string scan_id;
  std::int64_t at = 0;
  std::optional<std::int64_t> by_user;
};

// Counts for the host dashboard: approved delegates and how many have arrived.
struct CheckinCount {
  std::string key;  // a category name or a delegation code
  std::int64_t approved = 0;
  std::int64_t checked_in = 0;
};

struct SessionCheckinCount {
  std::int64_t session_id = 0;
  std::int64_t confirmed = 0;
  std::int64_t checked_in = 0;
};

// SQL for badges and check-ins. Stateless: every function runs on the
// Connection it is given, inside the caller's transaction.
namespace checkin_store {

// Issues a badge code on first approval; keeps an existing live one.
void ensure_badge(Connection& c, std::int64_t registration_id, std::string_view code, std::int64_t now);
// Replaces the badge (a lost badge): the old code is kept as replaced.
void replace_badge(Connection& c, std::int64_t registration_id, std::string_view code, std::int64_t now);
void revoke_badge(Connection& c, std::int64_t registration_id, std::int64_t now);
std::optional<BadgeRecord> badge_of(Connection& c, std::int64_t registration_id);
// The badge a scanned code belongs to, live, revoked or replaced.
std::optional<BadgeRecord> find_badge_by_code(Connection& c, std::string_view code);

std::optional<CheckinRecord> find_by_scan(Connection& c, std::int64_t event_id, std::string_view scan_id);
// The delegate's check-in at the meeting (no session) or at one session.
std::optional<CheckinRecord> find_checkin(Connection& c, std::int64_t registration_id,
                                          std::optional<std::int64_t> session_id);
std::int64_t insert_checkin(Connection& c, const CheckinRecord& checkin);
// (registration_id, at) of every check-in at the meeting itself.
std::vector<std::pair<std::int64_t, std::int64_t>> meeting_checkins(Connection& c, std::int64_t event_id);

std::vector<CheckinCount> counts_by_category(Connection& c, std::int64_t event_id);
std::vector<CheckinCount> counts_by_delegation(Connection& c, std::int64_t event_id);
std::vector<SessionCheckinCount> counts_by_session(Connection& c, std::int64_t event_id);

}  // namespace checkin_store
}  // namespace plenary::db
