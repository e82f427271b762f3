#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "domain/registration.hpp"

namespace plenary::db {
class Database;
}

namespace plenary::embedded {
// server/app/demo/delegates.json, compiled in.
extern const std::string_view kDemoDelegates;
}  // namespace plenary::embedded

namespace plenary::app {

// One generated delegate: the registration as the desk has it (status
// included; id, event and times not yet set), and its history in seconds, so
// that seeding at any `now` gives the same people with the same story.
struct DemoDelegate {
  domain::Registration registration;
  std::int64_t registered_ago = 0;  // seconds before seeding
  std::int64_t decided_after = 0;   // seconds after registering; unused while pending
};

// The demo meeting's generated delegates: about 600 in 30 delegations, with
// names in their own scripts and name orders, from server/app/demo/delegates.json
// and a fixed seed. The same people on every call and every machine; oldest
// registration first. Each one passes the registration API's own checks (and
// is NFC, as the API stores it). Pure: no I/O.
std::vector<DemoDelegate> demo_delegates();

// What seed_demo_delegates did.
struct DemoDelegatesReport {
  bool seeded = false;  // false when the meeting already had them
  std::size_t registrations = 0;
  std::size_t approved = 0;
  std::size_t badges = 0;
  std::size_t confirmed_seats = 0;
  std::size_t waitlisted = 0;
  std::size_t full_side_events = 0;  // every seat taken and a waitlist
  std::size_t checked_in = 0;        // at the meeting
  std::size_t side_event_checkins = 0;
  std::size_t bookmarks = 0;
  double milliseconds = 0;  // the whole call, generation included
};

// Adds the generated delegates to the demo meeting (seed_demo_meeting first)
// in one write transaction, unless any of them is there already (a restart on
// the same data directory): registrations in every state, decided by
// `actor_id`; a badge for each approved delegate; side-event seats, most side
// events full with a waitlist; bookmarks; and check-ins of approved in-person
// delegates at the meeting, and at side events begun by `now`. Leaves every
// other registration alone. Runs before serving, on the calling thread.
DemoDelegatesReport seed_demo_delegates(db::Database& database, std::int64_t actor_id, std::int64_t now);

}  // namespace plenary::app
