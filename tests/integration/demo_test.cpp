#include "app/demo.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <doctest/doctest.h>

#include "app/demo_delegates.hpp"
#include "app/demo_meeting.hpp"
#include "db/agenda_store.hpp"
#include "db/checkin_store.hpp"
#include "db/database.hpp"
#include "db/registration_store.hpp"
#include "domain/instant.hpp"
#include "support/http_client.hpp"
#include "support/test_server.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

// The demo as `plenary serve --demo` starts it (seeded before serving), with
// its admin signed in over HTTP with the password kept in the data directory.
struct Demo {
  explicit Demo(const std::filesystem::path& data_dir = {}, std::int64_t at = domain::unix_now())
      : server([&](app::Config& config) {
          config.demo = true;
          if (!data_dir.empty()) config.data_dir = data_dir;
        }),
        now(at) {
    app::seed_demo(server.app().database(), server.app().auth(), server.data_dir(), now);
    std::ifstream saved(server.data_dir() / "demo-admin.json");
    const json admin = json::parse(saved);
    const auto login = http_request(server.port(), "POST", "/api/v1/auth/login", admin.dump(), json_headers());
    REQUIRE(login.status == 200);
    token = login.json()["token"].get<std::string>();
  }

  json get(const std::string& target) {
    const auto result = http_request(server.port(), "GET", target, {}, json_headers(token));
    REQUIRE_MESSAGE(result.status == 200, target << ": " << result.body);
    return result.json();
  }

  // Every registration of the demo meeting, page by page.
  std::vector<json> registrations() {
    std::vector<json> all;
    std::string cursor;
    do {
      const json page = get("/api/v1/events/somri-21/registrations?limit=200" +
                            (cursor.empty() ? std::string() : "&cursor=" + cursor));
      for (const auto& item : page["items"]) all.push_back(item);
      cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    } while (!cursor.empty());
    return all;
  }

  // The side events that take RSVPs, from the public agenda.
  std::vector<json> side_events() {
    std::vector<json> found;
    const json agenda = get("/api/v1/events/somri-21/agenda?lang=en");
    for (const auto& day : agenda["days"]) {
      for (const auto& session : day["sessions"]) {
        if (session["kind"] == "side_event" && session.value("rsvp_required", false)) found.push_back(session);
      }
    }
    return found;
  }

  TestServer server;
  std::int64_t now;
  std::string token;
};

// True when `text` has a code point in [first, last].
bool has_script(const std::string& text, char32_t first, char32_t last) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    char32_t code = length == 1 ? byte : byte & (0x3F >> (length - 1));
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (code >= first && code <= last) return true;
    i += length;
  }
  return false;
}

}  // namespace

TEST_CASE("the demo meeting has about 600 delegates from about 30 delegations in every state and category") {
  Demo demo;
  const std::vector<json> all = demo.registrations();
  CHECK(all.size() >= 550);
  CHECK(all.size() <= 700);
  std::map<std::string, int> delegations, statuses, categories, attendance;
  std::set<std::string> emails;
  int with_notes = 0;
  for (const auto& r : all) {
    ++delegations[r["delegation"].get<std::string>()];
    ++statuses[r["status"].get<std::string>()];
    ++categories[r["category"].get<std::string>()];
    ++attendance[r["attendance"].get<std::string>()];
    const std::string email = r["email"].get<std::string>();
    CHECK_MESSAGE(emails.insert(email).second, email);
    CHECK_MESSAGE(email.ends_with(".example"), email);
    if (!r["notes"].is_null()) ++with_notes;
  }
  CHECK(delegations.size() >= 25);
  // The host delegation is the largest; ASEAN members send 10 to 30, partners fewer.
  const auto largest = std::max_element(delegations.begin(), delegations.end(),
                                        [](const auto& a, const auto& b) { return a.second < b.second; });
  CHECK(largest->first == "VN");
  for (const char* member : {"MY", "ID", "TH", "PH", "SG", "LA", "KH", "MM", "BN"}) {
    CHECK_MESSAGE(delegations[member] >= 10, member);
    CHECK_MESSAGE(delegations[member] <= 35, member);
  }
  for (const char* partner : {"CN", "JP", "KR", "IN", "AU", "NZ", "US", "CA", "GB", "RU"}) {
    CHECK_MESSAGE(delegations[partner] >= 3, partner);
    CHECK_MESSAGE(delegations[partner] <= 12, partner);
  }
  for (const char* status : {"pending", "approved", "rejected", "cancelled"})
    CHECK_MESSAGE(statuses[status] > 0, status);
  CHECK(statuses["approved"] > static_cast<int>(all.size()) * 3 / 4);
  for (const auto category : domain::kCategoryNames) {
    CHECK_MESSAGE(categories[std::string(category)] > 0, category);
  }
  CHECK(attendance["remote"] > 0);
  CHECK(attendance["in_person"] > attendance["remote"] * 5);
  CHECK(with_notes > 0);
  // The hand-made demo delegate is still there, approved.
  CHECK(std::count_if(all.begin(), all.end(), [](const json& r) {
          return r["name"] == "Nguyễn Minh Anh" && r["email"] == app::kDemoDelegateEmail && r["status"] == "approved";
        }) == 1);
}

TEST_CASE("demo delegates keep their names in their own scripts byte for byte") {
  Demo demo;
  const std::vector<json> all = demo.registrations();
  std::map<std::string, const json*> by_email;
  for (const auto& r : all) by_email[r["email"].get<std::string>()] = &r;

  // Heads of delegation as the data writes them: Vietnamese, Thai, Lao, Khmer, Burmese, Chinese, Japanese, Korean.
  std::set<std::string> names;
  for (const auto& r : all) names.insert(r["name"].get<std::string>());
  for (const char* name : {"Võ Quang Thịnh", "กิตติพงษ์ ไชยพร", "ຄຳພູ ສີສະຫວາດ", "សុខ ស្រីមុំ", "ကျော်ဇင်ထက်", "刘海燕", "高橋 優子",
                           "박지훈", "Siti Aminah binti Abdullah"}) {
    CHECK_MESSAGE(names.contains(name), name);
  }

  // Every generated delegate comes back exactly as generated.
  const std::vector<app::DemoDelegate> generated = app::demo_delegates();
  REQUIRE(generated.size() + 1 == all.size());
  for (const auto& delegate : generated) {
    const domain::Registration& expected = delegate.registration;
    const auto found = by_email.find(*expected.email);
    REQUIRE_MESSAGE(found != by_email.end(), *expected.email);
    const json& stored = *found->second;
    CHECK(stored["name"].get<std::string>() == expected.name);
    CHECK(stored["organisation"].get<std::string>() == *expected.organisation);
    CHECK(stored["delegation"].get<std::string>() == expected.delegation);
    CHECK(stored["status"].get<std::string>() == domain::to_string(expected.status));
  }

  // Each delegation writes in its own script.
  const std::map<std::string, std::pair<char32_t, char32_t>> scripts = {
      {"TH", {0x0E00, 0x0E7F}}, {"LA", {0x0E80, 0x0EFF}}, {"KH", {0x1780, 0x17FF}}, {"MM", {0x1000, 0x109F}},
      {"KR", {0xAC00, 0xD7AF}}, {"RU", {0x0400, 0x04FF}}, {"IN", {0x0900, 0x097F}}, {"AE", {0x0600, 0x06FF}},
      {"PK", {0x0600, 0x06FF}}, {"CN", {0x4E00, 0x9FFF}}, {"JP", {0x4E00, 0x9FFF}}};
  std::map<std::string, int> written;
  for (const auto& r : all) {
    const std::string delegation = r["delegation"].get<std::string>();
    if (auto script = scripts.find(delegation); script != scripts.end()) {
      CHECK_MESSAGE(has_script(r["name"].get<std::string>(), script->second.first, script->second.second),
                    r["name"].get<std::string>());
      ++written[delegation];
    }
  }
  CHECK(written.size() == scripts.size());
  // Vietnamese names are family name first, with their tone marks.
  const auto vietnamese = std::count_if(all.begin(), all.end(), [](const json& r) {
    const std::string name = r["name"].get<std::string>();
    return r["delegation"] == "VN" && (name.starts_with("Nguyễn ") || name.starts_with("Trần "));
  });
  CHECK(vietnamese >= 50);
  // Searching without diacritics finds them, as at the desk.
  CHECK(demo.get("/api/v1/events/somri-21/registrations?q=nguyen&limit=200")["items"].size() >= 50);
}

TEST_CASE("no demo side event seats more delegates than it holds and most are full with a waitlist") {
  Demo demo;
  std::map<std::int64_t, std::string> status_of;
  for (const auto& r : demo.registrations()) status_of[r["id"].get<std::int64_t>()] = r["status"].get<std::string>();
  const std::vector<json> side_events = demo.side_events();
  REQUIRE(side_events.size() >= 4);
  int full = 0;
  int with_seats = 0;
  for (const auto& session : side_events) {
    const json seats =
        demo.get("/api/v1/events/somri-21/sessions/" + std::to_string(session["id"].get<std::int64_t>()) + "/rsvps");
    const std::size_t capacity = seats["capacity"].get<std::size_t>();
    const std::size_t confirmed = seats["confirmed"].size();
    const std::size_t waitlisted = seats["waitlisted"].size();
    CHECK_MESSAGE(confirmed <= capacity, session["title"]);
    CHECK_MESSAGE(confirmed > 0, session["title"]);
    if (waitlisted > 0) CHECK_MESSAGE(confirmed == capacity, session["title"]);
    if (confirmed == capacity && waitlisted > 0) ++full;
    if (confirmed < capacity) ++with_seats;
    std::set<std::int64_t> holders;
    for (const char* list : {"confirmed", "waitlisted"}) {
      for (const auto& seat : seats[list]) {
        const std::int64_t id = seat["registration_id"].get<std::int64_t>();
        CHECK_MESSAGE(holders.insert(id).second, "twice in one session: " << id);
        CHECK(status_of[id] == "approved");
        // A side event cancelled after people booked keeps their RSVPs, marked so they can be told.
        if (session["status"] == "cancelled") CHECK(seat["notice"] == "cancelled");
      }
    }
  }
  CHECK(full >= 1);
  CHECK(full > static_cast<int>(side_events.size()) / 2);
  CHECK(with_seats >= 1);
}

TEST_CASE("the demo's approved delegates have badges and some are already checked in") {
  Demo demo;
  const auto report = demo.server.app().database().read([&](db::Connection& c) {
    const auto event = db::agenda_store::find_event(c, app::kDemoEventSlug);
    std::int64_t approved = 0, checked_in = 0;
    for (const auto& count : db::checkin_store::counts_by_delegation(c, event->id)) {
      approved += count.approved;
      checked_in += count.checked_in;
    }
    return std::pair{approved, checked_in};
  });
  CHECK(report.first > 450);
  CHECK(report.second > 0);
  CHECK(report.second < report.first);
  const auto missing = demo.server.app().database().read([&](db::Connection& c) {
    const auto event = db::agenda_store::find_event(c, app::kDemoEventSlug);
    int without = 0;
    for (const auto& delegate : app::demo_delegates()) {
      if (delegate.registration.status != domain::RegistrationStatus::approved) continue;
      const auto r = db::registration_store::find_registration_by_email(c, event->id, *delegate.registration.email);
      if (!r || !db::checkin_store::badge_of(c, r->id)) ++without;
    }
    return without;
  });
  CHECK(missing == 0);
}

TEST_CASE("starting the demo again on the same data directory adds no delegates") {
  std::size_t before = 0;
  json seats_before;
  TempDir keep;
  {
    Demo first(keep.path());
    before = first.registrations().size();
    const auto side_event = first.side_events().at(0)["id"].get<std::int64_t>();
    seats_before = first.get("/api/v1/events/somri-21/sessions/" + std::to_string(side_event) + "/rsvps");
    first.server.stop();
  }
  // Days later, as the demo server restarts.
  Demo again(keep.path(), domain::unix_now() + 3 * 86400);
  CHECK(again.registrations().size() == before);
  const auto report = app::seed_demo_delegates(again.server.app().database(), 1, again.now);
  CHECK_FALSE(report.seeded);
  CHECK(report.registrations == 0);
  const auto side_event = seats_before["session_id"].get<std::int64_t>();
  CHECK(again.get("/api/v1/events/somri-21/sessions/" + std::to_string(side_event) + "/rsvps") == seats_before);
}

TEST_CASE("the generated demo delegates are the same people on every call") {
  const auto first = app::demo_delegates();
  const auto second = app::demo_delegates();
  REQUIRE(first.size() == second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].registration.name == second[i].registration.name);
    CHECK(first[i].registration.email == second[i].registration.email);
    CHECK(first[i].registration.phone == second[i].registration.phone);
    CHECK(first[i].registered_ago == second[i].registered_ago);
  }
}
