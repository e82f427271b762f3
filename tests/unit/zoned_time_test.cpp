#include "domain/zoned_time.hpp"

#include <doctest/doctest.h>

#include "app/demo_meeting.hpp"

using namespace plenary::domain;

TEST_CASE("times show the event's offset, across the end of summer time in Zurich") {
  const auto zurich = TimeZone::find("Europe/Zurich");
  REQUIRE(zurich.has_value());
  // 2024-10-27: clocks go back from 03:00 CEST to 02:00 CET.
  const auto before = parse_instant("2024-10-26T10:00", *zurich);
  const auto after = parse_instant("2024-10-28T10:00", *zurich);
  REQUIRE(before.has_value());
  REQUIRE(after.has_value());
  CHECK(zurich->format(*before) == "2024-10-26T10:00:00+02:00");
  CHECK(zurich->format(*after) == "2024-10-28T10:00:00+01:00");
  CHECK(*after - *before == 49 * 3600);  // the day in between had 25 hours
  CHECK(zurich->start_of(LocalDate{2024, 10, 28}) - zurich->start_of(LocalDate{2024, 10, 27}) == 25 * 3600);
}

TEST_CASE("a local time that a clock change skips or repeats needs its offset") {
  const auto zurich = *TimeZone::find("Europe/Zurich");
  CHECK_FALSE(parse_instant("2024-10-27T02:30", zurich).has_value());  // happens twice
  CHECK_FALSE(parse_instant("2024-03-31T02:30", zurich).has_value());  // never happens
  CHECK(parse_instant("2024-10-27T02:30:00+02:00", zurich).has_value());
  CHECK(parse_instant("2024-10-27T02:30:00+01:00", zurich).value() -
            parse_instant("2024-10-27T02:30:00+02:00", zurich).value() ==
        3600);
}

TEST_CASE("a session near local midnight belongs to the local day, not the UTC one") {
  const auto hanoi = *TimeZone::find("Asia/Ho_Chi_Minh");
  const auto late = parse_instant("2024-11-19T23:30", hanoi).value();
  const auto early = parse_instant("2024-11-20T00:15", hanoi).value();
  CHECK(hanoi.local_date(late) == LocalDate{2024, 11, 19});
  CHECK(hanoi.local_date(early) == LocalDate{2024, 11, 20});
  CHECK(format_date(TimeZone::find("UTC")->local_date(early)) == "2024-11-19");  // UTC would say the day before
  CHECK(hanoi.format(early) == "2024-11-20T00:15:00+07:00");
}

TEST_CASE("instants parse from RFC 3339 with Z or an offset, and bad text is refused") {
  const auto hanoi = *TimeZone::find("Asia/Ho_Chi_Minh");
  CHECK(parse_instant("2024-11-19T07:00:00Z", hanoi) == parse_instant("2024-11-19T14:00:00+07:00", hanoi));
  CHECK(parse_instant("2024-11-19T14:00:00.250+07:00", hanoi) == parse_instant("2024-11-19T14:00", hanoi));
  for (const std::string bad :
       {"2024-11-19", "2024-13-01T10:00", "2024-11-19T25:00", "2024-11-19T10:00+7", "tomorrow", "2024-02-30T10:00"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_instant(bad, hanoi).has_value());
  }
  CHECK_FALSE(TimeZone::find("Mars/Olympus_Mons").has_value());
}

TEST_CASE("the demo meeting is always in progress, on as few weekend days as can be") {
  using plenary::app::demo_first_day;
  // Tuesday 2024-11-19 (SOMRI-21's first day): Monday to Thursday, today second.
  CHECK(format_date(demo_first_day({2024, 11, 19}, 4)) == "2024-11-18");
  // Saturday: Wednesday to Saturday has one weekend day, fewer than any other.
  CHECK(format_date(demo_first_day({2024, 11, 23}, 4)) == "2024-11-20");
  // Sunday: Sunday to Wednesday.
  CHECK(format_date(demo_first_day({2024, 11, 24}, 4)) == "2024-11-24");
  for (int day = 1; day <= 14; ++day) {
    const LocalDate today{2024, 11, static_cast<unsigned>(day)};
    const LocalDate first = demo_first_day(today, 4);
    CHECK(first <= today);
    CHECK(today <= add_days(first, 3));
  }
}
