#include <latch>
#include <map>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "support/desk.hpp"
#include "support/live_client.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

// "ABCD-EFGH-JKLM" as the link carries it.
std::string without_dashes(std::string code) {
  std::erase(code, '-');
  return code;
}

}  // namespace

TEST_CASE("a delegate registers, is approved, signs in with the access code and corrects their own record") {
  Desk desk;
  const std::int64_t id = desk.register_delegate("Nguyễn Thị Thu Hà", "VN", "ha.nguyen@mic.example");
  const auto pending =
      desk.call("GET", "/api/v1/events/somri-21/registrations/" + std::to_string(id), nullptr, desk.registrar);
  CHECK(pending.json()["status"] == "pending");
  CHECK(pending.json()["name"] == "Nguyễn Thị Thu Hà");

  const auto approved = desk.call("POST", "/api/v1/events/somri-21/registrations/" + std::to_string(id) + "/approve",
                                  nullptr, desk.registrar);
  REQUIRE(approved.status == 200);
  const std::string code = approved.json()["access_code"];
  CHECK(code.size() == 14);
  // The link opens the delegates' app with the code in the fragment, which no server or log sees.
  const std::string link = approved.json()["access_link"];
  CHECK(link == "/e/somri-21/#code=" + without_dashes(code));
  const auto app = desk.call("GET", link.substr(0, link.find('#')));
  CHECK(app.status == 200);
  CHECK(app.header("Content-Type") == "text/html; charset=utf-8");

  // Typed on a phone: lower case, without the dashes.
  std::string typed;
  for (char c : code) {
    if (c != '-') typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto signed_in = desk.call("POST", "/api/v1/auth/code", {{"code", typed}});
  REQUIRE(signed_in.status == 200);
  const std::string token = signed_in.json()["token"];
  CHECK(token.starts_with("pld_"));

  const auto me = desk.call("GET", "/api/v1/me", nullptr, token);
  CHECK(me.json()["name"] == "Nguyễn Thị Thu Hà");
  CHECK(me.json()["status"] == "approved");
  const auto corrected = desk.call("PATCH", "/api/v1/me", {{"position", "Vụ trưởng"}, {"notes", "Ăn chay"}}, token);
  CHECK(corrected.status == 200);
  CHECK(corrected.json()["position"] == "Vụ trưởng");
  const auto refused =
      desk.call("PATCH", "/api/v1/me", {{"delegation", "MY"}, {"category", "head_of_delegation"}}, token);
  CHECK(refused.status == 422);
  CHECK(desk.call("GET", "/api/v1/me", nullptr, token).json()["delegation"] == "VN");

  // Revoking the code ends the phone's session too; a reissued code works.
  CHECK(desk.call("DELETE", "/api/v1/events/somri-21/registrations/" + std::to_string(id) + "/access-code", nullptr,
                  desk.registrar)
            .status == 204);
  CHECK(desk.call("GET", "/api/v1/me", nullptr, token).status == 401);
  CHECK(desk.call("POST", "/api/v1/auth/code", {{"code", code}}).status == 401);
  const auto reissued = desk.call(
      "POST", "/api/v1/events/somri-21/registrations/" + std::to_string(id) + "/access-code", nullptr, desk.registrar);
  REQUIRE(reissued.status == 200);
  CHECK(reissued.json()["access_link"] ==
        "/e/somri-21/#code=" + without_dashes(reissued.json()["access_code"].get<std::string>()));
  CHECK(desk.call("POST", "/api/v1/auth/code", {{"code", reissued.json()["access_code"]}}).status == 200);
}

TEST_CASE("a delegate who signs out on one phone loses that token everywhere while their other phone stays in") {
  Desk desk;
  const std::int64_t id = desk.register_delegate("Siti Aminah", "MY", "siti@kkd.example");
  const std::string code = desk.approve(id)["access_code"];
  const auto first = desk.call("POST", "/api/v1/auth/code", {{"code", code}});
  const auto second = desk.call("POST", "/api/v1/auth/code", {{"code", code}});
  REQUIRE(first.status == 200);
  REQUIRE(second.status == 200);
  const std::string phone = first.json()["token"];
  const std::string tablet = second.json()["token"];
  REQUIRE(phone != tablet);
  CHECK(desk.call("GET", "/api/v1/me", nullptr, phone).status == 200);

  CHECK(desk.call("POST", "/api/v1/auth/logout", nullptr, phone).status == 204);

  const auto me = desk.call("GET", "/api/v1/me", nullptr, phone);
  CHECK(me.status == 401);
  CHECK(me.header("Content-Type") == "application/problem+json");
  CHECK(me.header("WWW-Authenticate").starts_with("Bearer"));
  CHECK(desk.call("GET", "/api/v1/me/agenda", nullptr, phone).status == 401);
  CHECK(desk.call("POST", desk.rsvp_path(), nullptr, phone).status == 401);
  // Signing out twice is not a second success: the token is gone.
  CHECK(desk.call("POST", "/api/v1/auth/logout", nullptr, phone).status == 401);
  LiveClient live(desk.server.port());
  const json refused = live.subscribe({{"channel", "me"}, {"token", phone}});
  CHECK(refused["type"] == "error");
  CHECK(refused["code"] == "unauthorized");

  CHECK(desk.call("GET", "/api/v1/me", nullptr, tablet).json()["name"] == "Siti Aminah");
  CHECK(live.subscribe({{"channel", "me"}, {"token", tablet}})["type"] == "subscribed");
}

TEST_CASE("hosts filter registrations, and search ignores case and diacritics") {
  Desk desk;
  desk.register_delegate("Nguyễn Văn An", "VN", "an@vn.example");
  desk.register_delegate("Phạm Thị Đào", "VN", "dao@vn.example");
  const std::int64_t aminah = desk.register_delegate("Siti Aminah binti Abdullah", "MY", "aminah@my.example");
  desk.approve_and_sign_in(aminah);
  const auto search = [&](const std::string& query) {
    std::vector<std::string> names;
    const json body =
        desk.call("GET", "/api/v1/events/somri-21/registrations?" + query, nullptr, desk.registrar).json();
    for (const auto& item : body["items"]) names.push_back(item["name"]);
    return names;
  };
  CHECK(search("q=nguyen") == std::vector<std::string>{"Nguyễn Văn An"});
  CHECK(search("q=NGUYỄN") == std::vector<std::string>{"Nguyễn Văn An"});
  CHECK(search("q=dao") == std::vector<std::string>{"Phạm Thị Đào"});
  CHECK(search("q=pham%20thi") == std::vector<std::string>{"Phạm Thị Đào"});
  CHECK(search("delegation=MY") == std::vector<std::string>{"Siti Aminah binti Abdullah"});
  CHECK(search("status=approved") == std::vector<std::string>{"Siti Aminah binti Abdullah"});
  CHECK(search("status=pending&delegation=VN").size() == 2);
  CHECK(desk.call("GET", "/api/v1/events/somri-21/registrations?status=maybe", nullptr, desk.registrar).status == 422);
}

TEST_CASE("registration can be closed, needs an invitation when the host says so, and takes each e-mail once") {
  Desk desk;
  desk.register_delegate("Somchai Phongsavanh", "LA", "somchai@la.example");
  CHECK(desk.call("POST", "/api/v1/events/somri-21/registrations",
                  {{"name", "Somchai P."}, {"delegation", "LA"}, {"email", "SOMCHAI@la.example"}})
            .status == 409);
  REQUIRE(desk.call("PUT", "/api/v1/events/somri-21/registration-settings", {{"open", false}}, desk.admin).status ==
          200);
  CHECK(desk.call("POST", "/api/v1/events/somri-21/registrations", {{"name", "Late"}, {"delegation", "TH"}}).status ==
        409);
  REQUIRE(desk.call("PUT", "/api/v1/events/somri-21/registration-settings",
                    {{"open", true}, {"invitation_required", true}}, desk.admin)
              .status == 200);
  const auto without =
      desk.call("POST", "/api/v1/events/somri-21/registrations", {{"name", "X"}, {"delegation", "TH"}});
  CHECK(without.status == 422);
  CHECK(without.json()["errors"][0]["field"] == "invitation_code");
  const auto invitation =
      desk.call("POST", "/api/v1/events/somri-21/invitations", {{"delegation", "TH"}, {"max_uses", 1}}, desk.registrar);
  REQUIRE(invitation.status == 201);
  const std::string code = invitation.json()["invitation_code"];
  CHECK(desk.call("POST", "/api/v1/events/somri-21/registrations",
                  {{"name", "Wrong"}, {"delegation", "MY"}, {"invitation_code", code}})
            .status == 422);
  CHECK(desk.call("POST", "/api/v1/events/somri-21/registrations",
                  {{"name", "Kittipong Srisuk"}, {"delegation", "TH"}, {"invitation_code", code}})
            .status == 201);
  CHECK(desk.call("POST", "/api/v1/events/somri-21/registrations",
                  {{"name", "Another"}, {"delegation", "TH"}, {"invitation_code", code}})
            .status == 422);
}

TEST_CASE("hundreds of RSVPs at once give exactly the seats, the rest waitlisted in order, none twice") {
  Desk desk;
  constexpr int kDelegates = 60;
  std::vector<std::string> tokens;
  std::map<std::string, int> index_of;
  for (int i = 0; i < kDelegates; ++i) {
    const std::string email = "d" + std::to_string(i) + "@somri.example";
    tokens.push_back(desk.approve_and_sign_in(desk.register_delegate("Delegate " + std::to_string(i), "VN", email)));
  }
  // Every delegate sends three times at once, one of them a retry with the same key.
  std::latch start(kDelegates);
  std::vector<std::vector<unsigned>> statuses(kDelegates);
  std::vector<std::thread> phones;
  for (int i = 0; i < kDelegates; ++i) {
    phones.emplace_back([&, i] {
      HttpClient client(desk.server.port());
      const HeaderList headers{{"Authorization", "Bearer " + tokens[static_cast<std::size_t>(i)]},
                               {"Content-Type", "application/json"},
                               {"Idempotency-Key", "rsvp-" + std::to_string(i)}};
      start.arrive_and_wait();
      for (int attempt = 0; attempt < 3; ++attempt) {
        statuses[static_cast<std::size_t>(i)].push_back(client.request("POST", desk.rsvp_path(), {}, headers).status);
      }
    });
  }
  for (auto& phone : phones) phone.join();
  for (const auto& per_phone : statuses) {
    std::string seen;
    for (unsigned status : per_phone) seen += std::to_string(status) + " ";
    CHECK(seen == "201 201 201 ");  // the retries replay the first answer
  }

  const auto seats = desk.call("GET", desk.rsvp_path() + "s", nullptr, desk.registrar).json();
  CHECK(seats["confirmed"].size() == 5);
  CHECK(seats["waitlisted"].size() == kDelegates - 5);
  std::set<std::int64_t> everyone;
  for (const auto& list : {seats["confirmed"], seats["waitlisted"]}) {
    for (const auto& entry : list) CHECK(everyone.insert(entry["registration_id"].get<std::int64_t>()).second);
  }
  CHECK(everyone.size() == static_cast<std::size_t>(kDelegates));

  // Each confirmed delegate gives the seat back: the waitlist moves up in order.
  std::vector<std::int64_t> queue;
  for (const auto& entry : seats["waitlisted"]) queue.push_back(entry["registration_id"]);
  std::map<std::int64_t, std::string> token_of;
  for (int i = 0; i < kDelegates; ++i) {
    token_of[desk.call("GET", "/api/v1/me", nullptr, tokens[static_cast<std::size_t>(i)]).json()["id"]] =
        tokens[static_cast<std::size_t>(i)];
  }
  const std::int64_t first_confirmed = seats["confirmed"][0]["registration_id"];
  CHECK(desk.call("DELETE", desk.rsvp_path(), nullptr, token_of[first_confirmed]).status == 204);
  const auto after = desk.call("GET", desk.rsvp_path() + "s", nullptr, desk.registrar).json();
  CHECK(after["confirmed"].size() == 5);
  std::set<std::int64_t> confirmed_now;
  for (const auto& entry : after["confirmed"]) confirmed_now.insert(entry["registration_id"].get<std::int64_t>());
  CHECK(confirmed_now.contains(queue.front()));
  CHECK_FALSE(confirmed_now.contains(first_confirmed));
  CHECK(after["waitlisted"][0]["registration_id"] == queue[1]);

  const auto mine = desk.call("GET", "/api/v1/me/agenda", nullptr, token_of[queue[2]]).json();
  REQUIRE(mine["sessions"].size() == 1);
  CHECK(mine["sessions"][0]["rsvp"]["status"] == "waitlisted");
  CHECK(mine["sessions"][0]["rsvp"]["waitlist_place"] == 2);
}

TEST_CASE("seats follow the capacity, and cancelling or moving a side event keeps its RSVPs marked") {
  Desk desk;
  const std::vector<std::string> tokens = desk.signed_in_delegates(7, "MY");
  for (const auto& token : tokens) REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, token).status == 201);
  const std::string session = "/api/v1/events/somri-21/sessions/" + std::to_string(desk.side_event);
  const auto lower = desk.call("PATCH", session, {{"capacity", 3}}, desk.admin);
  CHECK(lower.status == 409);
  CHECK(lower.json()["detail"].get<std::string>().find("5 seats") != std::string::npos);
  REQUIRE(desk.call("PATCH", session, {{"capacity", 6}}, desk.admin).status == 200);
  CHECK(desk.call("GET", desk.rsvp_path() + "s", nullptr, desk.registrar).json()["confirmed"].size() == 6);

  REQUIRE(desk.call("PATCH", session, {{"starts_at", "2024-11-20T16:00"}, {"ends_at", "2024-11-20T17:00"}}, desk.admin)
              .status == 200);
  const auto moved = desk.call("GET", "/api/v1/me/agenda", nullptr, tokens[0]).json();
  CHECK(moved["sessions"][0]["status"] == "moved");
  CHECK(moved["sessions"][0]["rsvp"]["notice"] == "moved");
  REQUIRE(desk.call("PATCH", session, {{"status", "cancelled"}}, desk.admin).status == 200);
  const auto seats = desk.call("GET", desk.rsvp_path() + "s", nullptr, desk.registrar).json();
  CHECK(seats["confirmed"].size() == 6);
  CHECK(seats["confirmed"][0]["notice"] == "cancelled");
  CHECK(desk.call("POST", desk.rsvp_path(), nullptr,
                  desk.approve_and_sign_in(desk.register_delegate("Late", "MY", "late@my.example")))
            .status == 409);
}

TEST_CASE("a side event's seat count follows delegates as they book and give seats back") {
  Desk desk;
  const std::string seats = "/api/v1/events/somri-21/sessions/" + std::to_string(desk.side_event) + "/seats";
  const auto count = [&](const std::string& token = {}) {
    const auto answer = desk.call("GET", seats, nullptr, token);
    REQUIRE(answer.status == 200);
    CHECK(answer.header("Cache-Control") == "no-store");
    return answer.json();
  };
  CHECK(count() ==
        json{{"session_id", desk.side_event}, {"capacity", 5}, {"confirmed", 0}, {"waitlisted", 0}, {"left", 5}});
  const std::vector<std::string> tokens = desk.signed_in_delegates(7, "BN");
  for (int i = 0; i < 3; ++i) REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens[i]).status == 201);
  CHECK(count()["left"] == 2);
  CHECK(count()["confirmed"] == 3);
  for (int i = 3; i < 7; ++i) REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens[i]).status == 201);
  // "Join the waitlist: you would be 3rd."
  json full = count(tokens[0]);
  CHECK(full["confirmed"] == 5);
  CHECK(full["waitlisted"] == 2);
  CHECK(full["left"] == 0);

  // A confirmed delegate gives the seat back: the first on the waitlist takes it.
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, tokens[0]).status == 204);
  full = count();
  CHECK(full["confirmed"] == 5);
  CHECK(full["waitlisted"] == 1);
  // The last on the waitlist gives up; then a confirmed seat opens for anyone.
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, tokens[6]).status == 204);
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, tokens[1]).status == 204);
  CHECK(count() ==
        json{{"session_id", desk.side_event}, {"capacity", 5}, {"confirmed", 4}, {"waitlisted", 0}, {"left", 1}});
  REQUIRE(desk.call("PATCH", "/api/v1/events/somri-21/sessions/" + std::to_string(desk.side_event), {{"capacity", 8}},
                    desk.admin)
              .status == 200);
  CHECK(count()["left"] == 4);
}

TEST_CASE("seat counts exist only for sessions that take RSVPs, and only for those who may see them") {
  Desk desk;
  const auto create = [&](json session) {
    session.update({{"starts_at", "2024-11-21T09:00"}, {"ends_at", "2024-11-21T10:00"}});
    const auto created = desk.call("POST", "/api/v1/events/somri-21/sessions", session, desk.admin);
    REQUIRE(created.status == 201);
    return "/api/v1/events/somri-21/sessions/" + std::to_string(created.json()["id"].get<std::int64_t>()) + "/seats";
  };
  const std::string plenary = create({{"kind", "plenary"}, {"title", {{"en", "Closing plenary"}}}});
  const std::string closed = create({{"kind", "side_event"},
                                     {"title", {{"en", "Heads of delegation breakfast"}}},
                                     {"visibility", "delegates"},
                                     {"capacity", 30},
                                     {"rsvp_required", true}});
  CHECK(desk.call("GET", plenary).status == 404);
  CHECK(desk.call("GET", "/api/v1/events/somri-21/sessions/999999/seats").status == 404);
  CHECK(desk.call("GET", "/api/v1/events/elsewhere/sessions/1/seats").status == 404);
  const auto anonymous = desk.call("GET", closed);
  CHECK(anonymous.status == 404);
  CHECK(anonymous.header("Content-Type") == "application/problem+json");
  const std::string delegate = desk.signed_in_delegates(1, "KH").front();
  CHECK(desk.call("GET", closed, nullptr, delegate).json()["left"] == 30);
  CHECK(desk.call("GET", closed, nullptr, desk.registrar).json()["capacity"] == 30);
}

TEST_CASE("bookmarks make a personal agenda in the delegate's language") {
  Desk desk;
  const std::string token = desk.approve_and_sign_in(desk.register_delegate("Ly Sokha", "KH", "sokha@kh.example"));
  const std::int64_t plenary = desk.call("POST", "/api/v1/events/somri-21/sessions",
                                         {{"kind", "plenary"},
                                          {"title", {{"en", "Opening plenary"}, {"vi", "Phiên khai mạc"}}},
                                          {"starts_at", "2024-11-19T08:30"},
                                          {"ends_at", "2024-11-19T10:00"}},
                                         desk.admin)
                                   .json()["id"];
  CHECK(desk.call("PUT", "/api/v1/me/bookmarks/" + std::to_string(plenary), nullptr, token).status == 204);
  CHECK(desk.call("PUT", "/api/v1/me/bookmarks/" + std::to_string(plenary), nullptr, token).status == 204);
  CHECK(desk.call("PUT", "/api/v1/me/bookmarks/999", nullptr, token).status == 404);
  const auto agenda = desk.call("GET", "/api/v1/me/agenda?lang=vi", nullptr, token).json();
  REQUIRE(agenda["sessions"].size() == 1);
  CHECK(agenda["sessions"][0]["title"] == "Phiên khai mạc");
  CHECK(agenda["sessions"][0]["bookmarked"] == true);
  CHECK(agenda["sessions"][0]["rsvp"].is_null());
  CHECK(desk.call("DELETE", "/api/v1/me/bookmarks/" + std::to_string(plenary), nullptr, token).status == 204);
  CHECK(desk.call("GET", "/api/v1/me/agenda", nullptr, token).json()["sessions"].empty());
}

TEST_CASE("who may do what: anonymous, a delegate, another delegate, a registrar and an admin") {
  Desk desk;
  const std::int64_t mine = desk.register_delegate("Maria Santos", "PH", "maria@ph.example");
  const std::int64_t theirs = desk.register_delegate("Tan Wei Ling", "SG", "weiling@sg.example");
  // Hosts' changes to codes and badges land on a third delegate, so the two
  // signed-in phones keep working through the matrix.
  const std::int64_t spare = desk.register_delegate("Somchai Jaidee", "TH", "somchai@th.example");
  const std::string delegate = desk.approve_and_sign_in(mine);
  const std::string other = desk.approve_and_sign_in(theirs);
  desk.approve(spare);
  const std::string badge = desk.badge_code(mine);
  const std::string events = "/api/v1/events/somri-21";
  const std::string base = events + "/registrations/";
  const std::string own = base + std::to_string(mine);
  const std::string own_badge = events + "/delegates/" + std::to_string(mine) + "/badge";
  const std::string spare_badge = events + "/delegates/" + std::to_string(spare) + "/badge";
  const std::string bookmark = "/api/v1/me/bookmarks/" + std::to_string(desk.side_event);
  const std::string seats = events + "/sessions/" + std::to_string(desk.side_event) + "/seats";
  struct Row {
    std::string method, path;
    unsigned anonymous, delegate, other_delegate, registrar, admin;
    json body = nullptr;
    std::string content_type = "application/json";
  };
  // Statuses in the order the callers go: a first success may make the next
  // caller's answer "already done" (200 after 201, 409 after approval).
  const std::vector<Row> matrix{
      {"GET", events + "/registrations", 401, 403, 403, 200, 200},
      {"GET", own, 401, 200, 404, 200, 200},
      {"PATCH", own, 401, 403, 403, 200, 200, {{"notes", "Vegetarian"}}},
      {"POST", own + "/approve", 401, 403, 403, 409, 409},
      {"POST", own + "/reject", 401, 403, 403, 409, 409},
      {"GET", events + "/registrations.csv", 401, 403, 403, 200, 200},
      {"POST", base + "import", 401, 403, 403, 201, 201, "name,delegation\nImported Person,BN\n", "text/csv"},
      {"POST", base + std::to_string(spare) + "/access-code", 401, 403, 403, 200, 200},
      {"DELETE", base + std::to_string(spare) + "/access-code", 401, 403, 403, 204, 204},
      {"GET", events + "/registration-settings", 401, 403, 403, 200, 200},
      {"PUT", events + "/registration-settings", 401, 403, 403, 403, 200, {{"open", true}}},
      {"POST", events + "/invitations", 401, 403, 403, 201, 201, {{"delegation", "PH"}}},
      {"GET", "/api/v1/me", 401, 200, 200, 403, 403},
      {"PATCH", "/api/v1/me", 401, 200, 200, 403, 403, {{"phone", "+63 2 8920 0101"}}},
      {"POST", desk.rsvp_path(), 401, 201, 201, 403, 403},
      {"GET", desk.rsvp_path() + "s", 401, 403, 403, 200, 200},
      {"GET", seats, 200, 200, 200, 200, 200},
      {"DELETE", desk.rsvp_path(), 401, 204, 204, 403, 403},
      {"PUT", bookmark, 401, 204, 204, 403, 403},
      {"GET", "/api/v1/me/agenda", 401, 200, 200, 403, 403},
      {"DELETE", bookmark, 401, 204, 204, 403, 403},
      {"GET", own_badge, 401, 200, 404, 200, 200},
      {"GET", own_badge + ".svg", 401, 200, 404, 200, 200},
      {"POST", spare_badge, 401, 403, 403, 201, 201},
      {"DELETE", spare_badge, 401, 403, 403, 204, 204},
      {"POST", events + "/checkins", 401, 403, 403, 201, 200, {{"code", badge}, {"scan_id", "matrix"}}},
      {"GET", events + "/checkins/summary", 401, 403, 403, 200, 200},
  };
  for (const Row& row : matrix) {
    CAPTURE(row.method);
    CAPTURE(row.path);
    const std::string body = row.body.is_string() ? row.body.get<std::string>()
                             : row.body.is_null() ? ""
                                                  : row.body.dump();
    const auto as = [&](const std::string& token) {
      HeaderList headers{{"Content-Type", row.content_type}};
      if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
      // Distinct scans, so an idempotent retry does not hide a refusal.
      std::string sent = body;
      if (row.path.ends_with("/checkins")) {
        json scan = row.body;
        scan["scan_id"] = "matrix-" + token.substr(0, std::min<std::size_t>(token.size(), 12));
        sent = scan.dump();
      }
      return http_request(desk.server.port(), row.method, row.path, sent, headers).status;
    };
    CHECK(as("") == row.anonymous);
    CHECK(as(delegate) == row.delegate);
    CHECK(as(other) == row.other_delegate);
    CHECK(as(desk.registrar) == row.registrar);
    CHECK(as(desk.admin) == row.admin);
  }
  // A delegate never sees another's data, not even through the other's id.
  CHECK(desk.call("GET", base + std::to_string(theirs), nullptr, delegate).status == 404);
  CHECK(desk.call("POST", "/api/v1/events/somri-21/sessions", {{"kind", "other"}}, delegate).status == 403);
}

TEST_CASE("booking a seat leaves every phone's cached agenda in place") {
  Desk desk;
  const std::string token = desk.approve_and_sign_in(desk.register_delegate("Ly Sokha", "KH", "sokha@kh.example"));
  REQUIRE(desk.call("GET", "/api/v1/events/somri-21/agenda").status == 200);
  REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, token).status == 201);
  REQUIRE(desk.call("DELETE", desk.rsvp_path(), nullptr, token).status == 204);
  const auto reads = [&] {
    const std::string metrics = desk.call("GET", "/metrics").body;
    const std::string series = "plenary_db_operation_duration_seconds_count{kind=\"read\"} ";
    return std::stol(metrics.substr(metrics.find(series) + series.size()));
  };
  const long before = reads();
  CHECK(desk.call("GET", "/api/v1/events/somri-21/agenda").status == 200);
  CHECK(reads() == before);  // still answered from the cache: seats are not in the agenda
}
