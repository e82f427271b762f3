#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.hpp"
#include "auth/token.hpp"
#include "db/agenda_store.hpp"
#include "domain/registration.hpp"

namespace plenary::db {

class Connection;

struct RegistrationSettings {
  bool open = true;
  std::optional<std::int64_t> deadline;
  bool invitation_required = false;
};

struct Invitation {
  std::int64_t id = 0;
  std::int64_t event_id = 0;
  std::string delegation;
  std::optional<std::int64_t> max_uses;
  std::int64_t uses = 0;
  std::optional<std::int64_t> revoked_at;
};

struct RegistrationFilter {
  std::optional<std::string> delegation;
  std::optional<domain::Category> category;
  std::optional<domain::RegistrationStatus> status;
  std::optional<domain::Attendance> attendance;
  std::optional<std::string> search;  // already search_fold()ed
};

struct Rsvp {
  std::int64_t id = 0;
  std::int64_t session_id = 0;
  std::int64_t registration_id = 0;
  domain::RsvpStatus status = domain::RsvpStatus::waitlisted;
  std::int64_t position = 0;
  std::int64_t created_at = 0;
  std::optional<std::string> notice;
  std::string name;        // the delegate's, for hosts' lists
  std::string delegation;  // likewise
};

struct StoredResponse {
  std::string method;
  std::string path;
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// SQL for registrations, access codes, delegate tokens, seats, bookmarks and
// idempotency keys. Stateless: every function runs on the Connection it is
// given, inside the caller's transaction.
namespace registration_store {

RegistrationSettings settings(Connection& c, std::int64_t event_id);
void save_settings(Connection& c, std::int64_t event_id, const RegistrationSettings& settings);

std::int64_t insert_invitation(Connection& c, std::int64_t event_id, std::string_view delegation,
                               const auth::TokenHash& code_hash, std::optional<std::int64_t> max_uses,
                               std::int64_t now);
std::optional<Invitation> find_invitation(Connection& c, std::int64_t event_id, const auth::TokenHash& code_hash);
void use_invitation(Connection& c, std::int64_t id);

std::int64_t insert_registration(Connection& c, const domain::Registration& registration,
                                 std::optional<std::int64_t> invitation_id);
std::optional<domain::Registration> find_registration(Connection& c, std::int64_t event_id, std::int64_t id);
std::optional<domain::Registration> find_registration_by_email(Connection& c, std::int64_t event_id,
                                                               std::string_view email);
std::vector<domain::Registration> list_registrations(Connection& c, std::int64_t event_id,
                                                     const RegistrationFilter& filter, const PageRequest& page);
void update_registration(Connection& c, const domain::Registration& registration);
void set_status(Connection& c, std::int64_t id, domain::RegistrationStatus status, std::optional<std::int64_t> by,
                std::int64_t now);

// Revokes the live access code (and the delegate's tokens), then stores a new one.
void replace_access_code(Connection& c, std::int64_t registration_id, const auth::TokenHash& code_hash,
                         std::int64_t now);
void revoke_access(Connection& c, std::int64_t registration_id, std::int64_t now);
// The approved registration a live access code belongs to.
std::optional<domain::Registration> registration_for_code(Connection& c, const auth::TokenHash& code_hash);

void insert_delegate_token(Connection& c, const auth::TokenHash& hash, std::int64_t registration_id, std::int64_t now,
                           std::int64_t expires_at);
std::optional<auth::Principal> principal_for_delegate_token(Connection& c, const auth::TokenHash& hash,
                                                            std::int64_t now);
bool revoke_delegate_token(Connection& c, const auth::TokenHash& hash, std::int64_t now);

std::optional<Rsvp> find_rsvp(Connection& c, std::int64_t session_id, std::int64_t registration_id);
std::int64_t count_confirmed(Connection& c, std::int64_t session_id);
struct SeatCounts {
  std::int64_t confirmed = 0;
  std::int64_t waitlisted = 0;
};
// Confirmed and waitlisted RSVPs of one session, in one query.
SeatCounts count_seats(Connection& c, std::int64_t session_id);
std::int64_t insert_rsvp(Connection& c, std::int64_t session_id, std::int64_t registration_id,
                         domain::RsvpStatus status, std::int64_t now);
void delete_rsvp(Connection& c, std::int64_t id);
// Confirms waitlisted RSVPs in arrival order while seats remain; returns the promoted.
std::vector<Rsvp> promote_waitlist(Connection& c, std::int64_t session_id, std::int64_t capacity, std::int64_t now);
std::vector<Rsvp> list_rsvps(Connection& c, std::int64_t session_id);
std::vector<Rsvp> rsvps_of(Connection& c, std::int64_t registration_id);
// Where a waitlisted RSVP stands: 1 for the next to be promoted.
std::int64_t waitlist_place(Connection& c, const Rsvp& rsvp);
void mark_rsvps(Connection& c, std::int64_t session_id, std::string_view notice);
// Registrations that booked or bookmarked the session.
std::vector<std::int64_t> followers_of(Connection& c, std::int64_t session_id);

void add_bookmark(Connection& c, std::int64_t registration_id, std::int64_t session_id, std::int64_t now);
void remove_bookmark(Connection& c, std::int64_t registration_id, std::int64_t session_id);
std::vector<std::int64_t> bookmarks_of(Connection& c, std::int64_t registration_id);

std::optional<StoredResponse> find_idempotent(Connection& c, std::string_view principal, std::string_view key);
void save_idempotent(Connection& c, std::string_view principal, std::string_view key, const StoredResponse& response,
                     std::int64_t now);

}  // namespace registration_store
}  // namespace plenary::db
