#include <latch>
#include <thread>

#include <doctest/doctest.h>

#include "support/desk.hpp"

using namespace plenary;
using namespace plenary::test;
using nlohmann::json;

namespace {

const std::string kCheckins = "/api/v1/events/somri-21/checkins";

std::string delegate_path(std::int64_t id) {
  return "/api/v1/events/somri-21/delegates/" + std::to_string(id);
}

}  // namespace

TEST_CASE("a badge scanned twice checks the delegate in once and the second scan says when") {
  Desk desk;
  const std::int64_t id = desk.register_delegate("Nguyễn Thị Hồng Ngọc", "VN", "ngoc@mic.example");
  desk.approve(id);
  const std::string code = desk.badge_code(id);
  CHECK(code.starts_with("plb_"));

  const auto first =
      desk.call("POST", kCheckins, {{"code", code + "\r\n"}, {"scan_id", "gate-a-0001"}}, desk.registrar);
  REQUIRE(first.status == 201);
  CHECK(first.json()["status"] == "checked_in");
  CHECK(first.json()["delegate"]["name"] == "Nguyễn Thị Hồng Ngọc");
  CHECK(first.json()["delegate"]["delegation"] == "VN");
  const std::string at = first.json()["checked_in_at"];
  CHECK(at.ends_with("+07:00"));
  CHECK(first.json()["message"] == "Checked in at " + at.substr(11, 5));

  // The scanner lost the answer and sends the same scan again: the same answer.
  const auto retried = desk.call("POST", kCheckins, {{"code", code}, {"scan_id", "gate-a-0001"}}, desk.registrar);
  CHECK(retried.status == 201);
  CHECK(retried.json() == first.json());

  // Another gate scans the same badge later: already in, at the first time.
  const auto again = desk.call("POST", kCheckins, {{"code", code}, {"scan_id", "gate-b-0042"}}, desk.admin);
  CHECK(again.status == 200);
  CHECK(again.json()["status"] == "already_checked_in");
  CHECK(again.json()["message"] == "Already checked in at " + at.substr(11, 5));
  CHECK(again.json()["checked_in_at"] == at);
  CHECK(again.json()["scan_id"] == "gate-a-0001");

  const json summary = desk.call("GET", kCheckins + "/summary", nullptr, desk.registrar).json();
  CHECK(summary["approved"] == 1);
  CHECK(summary["checked_in"] == 1);
  CHECK(summary["by_delegation"] == json::parse(R"([{"delegation":"VN","approved":1,"checked_in":1}])"));

  // A scan_id names one scan: reusing it for another badge is a conflict.
  const std::int64_t other = desk.register_delegate("Ahmad bin Ismail", "MY", "ahmad@kkd.example");
  desk.approve(other);
  CHECK(desk.call("POST", kCheckins, {{"code", desk.badge_code(other)}, {"scan_id", "gate-a-0001"}}, desk.registrar)
            .status == 409);
}

TEST_CASE("the desk turns away unknown, replaced, revoked and cancelled badges with the reason") {
  Desk desk;
  const auto scan = [&](const std::string& code, const std::string& scan_id) {
    return desk.call("POST", kCheckins, {{"code", code}, {"scan_id", scan_id}}, desk.registrar);
  };
  const auto unknown = scan("plb_not-a-badge-of-ours", "s1");
  CHECK(unknown.status == 422);
  CHECK(unknown.header("Content-Type") == "application/problem+json");
  CHECK(unknown.json()["reason"] == "unknown_badge");

  // A lost badge is replaced: the old card is refused, the new one works.
  const std::int64_t lost = desk.register_delegate("สมชาย ใจดี", "TH", "somchai@mdes.example");
  desk.approve(lost);
  const std::string old_code = desk.badge_code(lost);
  const auto replaced = desk.call("POST", delegate_path(lost) + "/badge", nullptr, desk.registrar);
  REQUIRE(replaced.status == 201);
  CHECK(replaced.json()["code"] != old_code);
  const auto old_scan = scan(old_code, "s2");
  CHECK(old_scan.status == 409);
  CHECK(old_scan.json()["reason"] == "replaced_badge");
  CHECK(old_scan.json()["delegate"]["name"] == "สมชาย ใจดี");
  CHECK(scan(replaced.json()["code"], "s3").status == 201);

  const std::int64_t revoked = desk.register_delegate("ສົມພອນ ແກ້ວມະນີ", "LA", "somphone@mtc.example");
  desk.approve(revoked);
  const std::string revoked_code = desk.badge_code(revoked);
  CHECK(desk.call("DELETE", delegate_path(revoked) + "/badge", nullptr, desk.registrar).status == 204);
  CHECK(scan(revoked_code, "s4").json()["reason"] == "revoked_badge");

  const std::int64_t cancelled = desk.register_delegate("Ly Sokha", "KH", "sokha@mptc.example");
  desk.approve(cancelled);
  const std::string cancelled_code = desk.badge_code(cancelled);
  REQUIRE(desk.call("POST", "/api/v1/events/somri-21/registrations/" + std::to_string(cancelled) + "/cancel", nullptr,
                    desk.registrar)
              .status == 200);
  const auto cancelled_scan = scan(cancelled_code, "s5");
  CHECK(cancelled_scan.status == 409);
  CHECK(cancelled_scan.json()["reason"] == "registration_cancelled");

  // Nothing refused was recorded: only the replaced badge's holder is in.
  const json summary = desk.call("GET", kCheckins + "/summary", nullptr, desk.registrar).json();
  CHECK(summary["checked_in"] == 1);
  CHECK(summary["approved"] == 2);

  // Bad input changes nothing and says which field.
  const auto bad = desk.call("POST", kCheckins, {{"code", old_code}}, desk.registrar);
  CHECK(bad.status == 422);
  CHECK(bad.json()["errors"][0]["field"] == "scan_id");
}

TEST_CASE("side-event check-in admits confirmed seats only, once each, and the dashboard counts them") {
  Desk desk;
  std::vector<std::int64_t> ids;
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) {
    ids.push_back(desk.register_delegate("Delegate " + std::to_string(i), i % 2 ? "SG" : "ID",
                                         "d" + std::to_string(i) + "@asean.example"));
    tokens.push_back(desk.approve_and_sign_in(ids.back()));
    REQUIRE(desk.call("POST", desk.rsvp_path(), nullptr, tokens.back()).status == 201);
  }
  const auto door = [&](std::int64_t id, const std::string& scan_id) {
    return desk.call("POST", kCheckins,
                     {{"code", desk.badge_code(id)}, {"scan_id", scan_id}, {"session_id", desk.side_event}},
                     desk.registrar);
  };
  const auto admitted = door(ids[0], "door-1");
  CHECK(admitted.status == 201);
  CHECK(admitted.json()["session_id"] == desk.side_event);
  CHECK(door(ids[0], "door-2").json()["status"] == "already_checked_in");
  // The sixth was waitlisted behind five seats.
  const auto waitlisted = door(ids[5], "door-3");
  CHECK(waitlisted.status == 409);
  CHECK(waitlisted.json()["reason"] == "waitlisted");
  CHECK(waitlisted.json()["detail"] == "Delegate 5 is on the waitlist, place 1.");
  CHECK(door(ids[1], "door-4").status == 201);

  const json summary = desk.call("GET", kCheckins + "/summary?lang=en", nullptr, desk.registrar).json();
  REQUIRE(summary["side_events"].size() == 1);
  CHECK(summary["side_events"][0]["title"] == "AI in newsrooms");
  CHECK(summary["side_events"][0]["capacity"] == 5);
  CHECK(summary["side_events"][0]["confirmed"] == 5);
  CHECK(summary["side_events"][0]["checked_in"] == 2);
  // Entering a side event is not arriving at the meeting.
  CHECK(summary["checked_in"] == 0);
  CHECK(summary["approved"] == 6);
  CHECK(desk.call("POST", kCheckins, {{"code", desk.badge_code(ids[2])}, {"scan_id", "x"}, {"session_id", 999999}},
                  desk.registrar)
            .status == 422);
}

TEST_CASE("many scanners retrying one scan at once record it once") {
  Desk desk;
  const std::int64_t id = desk.register_delegate("Maria Santos", "PH", "maria@dict.example");
  desk.approve(id);
  const std::string code = desk.badge_code(id);
  constexpr int kScanners = 16;
  std::latch start(kScanners);
  std::vector<unsigned> statuses(kScanners);
  std::vector<std::thread> scanners;
  for (int i = 0; i < kScanners; ++i) {
    scanners.emplace_back([&, i] {
      start.arrive_and_wait();
      // Half retry one scan, half are other gates scanning the same badge.
      const std::string scan_id = i % 2 ? "gate-a-7" : "gate-" + std::to_string(i);
      statuses[i] = desk.call("POST", kCheckins, {{"code", code}, {"scan_id", scan_id}}, desk.registrar).status;
    });
  }
  for (auto& scanner : scanners) scanner.join();
  int created = 0;
  for (unsigned status : statuses) {
    CHECK((status == 200 || status == 201));
    created += status == 201;
  }
  CHECK(created >= 1);
  CHECK(desk.call("GET", kCheckins + "/summary", nullptr, desk.registrar).json()["checked_in"] == 1);
}

TEST_CASE("a delegate sees their own badge and no one else's") {
  Desk desk;
  const std::int64_t mine = desk.register_delegate("Tan Wei Ling", "SG", "weiling@mddi.example");
  const std::int64_t theirs = desk.register_delegate("Juan dela Cruz", "PH", "juan@dict.example");
  const std::string token = desk.approve_and_sign_in(mine);
  desk.approve(theirs);
  const auto own = desk.call("GET", delegate_path(mine) + "/badge", nullptr, token);
  CHECK(own.status == 200);
  CHECK(own.json()["code"] == desk.badge_code(mine));
  CHECK(desk.call("GET", delegate_path(theirs) + "/badge", nullptr, token).status == 404);
  CHECK(desk.call("GET", delegate_path(mine) + "/badge").status == 401);
  const auto svg = desk.call("GET", delegate_path(mine) + "/badge.svg", nullptr, token);
  CHECK(svg.status == 200);
  CHECK(svg.header("Content-Type") == "image/svg+xml; charset=utf-8");
  CHECK(svg.body.find("Tan Wei Ling") != std::string::npos);
  CHECK(svg.body.find("SOMRI-21") != std::string::npos);
  const auto png = desk.call("GET", delegate_path(mine) + "/badge.png", nullptr, desk.registrar);
  CHECK(png.status == 200);
  CHECK(png.header("Content-Type") == "image/png");
  CHECK(png.body.starts_with("\x89PNG\r\n\x1a\n"));
  CHECK(desk.call("GET", delegate_path(theirs) + "/badge.png", nullptr, token).status == 404);
  // Only an approved delegate has a badge to print.
  const std::int64_t pending = desk.register_delegate("Pending Person", "BN", "pending@bn.example");
  CHECK(desk.call("GET", delegate_path(pending) + "/badge.svg", nullptr, desk.registrar).status == 404);
  // A delegate cannot check anyone in, not even themself.
  CHECK(desk.call("POST", kCheckins, {{"code", own.json()["code"]}, {"scan_id", "self"}}, token).status == 403);
}
