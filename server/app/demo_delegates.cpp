#include "app/demo_delegates.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/registration_input.hpp"
#include "app/demo_meeting.hpp"
#include "auth/token.hpp"
#include "db/agenda_store.hpp"
#include "db/checkin_store.hpp"
#include "db/database.hpp"
#include "db/registration_store.hpp"
#include "http/api_error.hpp"
#include "ops/log.hpp"

namespace plenary::app {
namespace {

using domain::Category;
using domain::RegistrationStatus;
using nlohmann::json;

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 86400;

[[noreturn]] void bad_data(const std::string& what) {
  throw std::logic_error("demo data: " + what);
}

// Numbers from a fixed seed that do not depend on the standard library:
// std::mt19937's sequence is fixed by the standard, its distributions are not,
// so these are our own. Not thread-safe; one per generation.
class DemoRandom {
 public:
  explicit DemoRandom(std::uint32_t seed) : engine_(seed) {}

  // Uniform in [0, n), by rejection (no modulo bias).
  std::uint32_t below(std::uint32_t n) {
    if (n == 0) bad_data("an empty choice");
    constexpr std::uint64_t kSpan = std::uint64_t{1} << 32;
    const std::uint64_t limit = kSpan - kSpan % n;
    for (;;) {
      const std::uint64_t value = engine_() & 0xFFFF'FFFFu;
      if (value < limit) return static_cast<std::uint32_t>(value % n);
    }
  }
  // Uniform in [low, high]; `low` when the range is empty.
  std::int64_t between(std::int64_t low, std::int64_t high) {
    if (high <= low) return low;
    return low + below(static_cast<std::uint32_t>(high - low + 1));
  }
  // True with `chance` per cent (two decimals).
  bool percent(double chance) { return below(10'000) < static_cast<std::uint32_t>(chance * 100 + 0.5); }
  // Fisher–Yates, for the same reason as below(): std::shuffle is unspecified.
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[below(static_cast<std::uint32_t>(i))]);
    }
  }

 private:
  std::mt19937 engine_;
};

// Values drawn with probability weight / total. Plain value.
template <class T>
class Weighted {
 public:
  void add(T value, std::uint32_t weight) {
    if (weight == 0) return;
    items_.emplace_back(std::move(value), weight);
    total_ += weight;
  }
  bool empty() const noexcept { return items_.empty(); }
  const T& pick(DemoRandom& random) const {
    std::uint32_t ticket = random.below(total_);
    for (const auto& [value, weight] : items_) {
      if (ticket < weight) return value;
      ticket -= weight;
    }
    return items_.back().first;
  }

 private:
  std::vector<std::pair<T, std::uint32_t>> items_;
  std::uint32_t total_ = 0;
};

// The ASCII an e-mail address takes from a name written in Latin letters:
// "Nguyễn" -> "nguyen", "O'Brien" -> "obrien", "Jean-François" -> "jean-francois".
std::string romanise(const std::string& text) {
  std::string out;
  for (const char ch : domain::search_fold(text)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) bad_data("\"" + text + "\" does not fold to ASCII; give its romanisation");
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out += ch;
  }
  return out;
}

struct NamePart {
  std::string text;
  std::string ascii;
};

// A part and its weight: a string (Latin script, romanised by folding),
// [native, romanised], or {"n": native, "r": romanised, "w": weight}.
std::pair<NamePart, std::uint32_t> read_part(const json& item) {
  NamePart part;
  std::uint32_t weight = 1;
  if (item.is_string()) {
    part.text = item.get<std::string>();
  } else if (item.is_array() && item.size() == 2) {
    part.text = item[0].get<std::string>();
    part.ascii = item[1].get<std::string>();
  } else if (item.is_object()) {
    part.text = item.at("n").get<std::string>();
    part.ascii = item.value("r", "");
    weight = item.value("w", 1u);
  } else {
    bad_data("a name part must be a string, [native, romanised] or {n, r, w}: " + item.dump());
  }
  if (part.ascii.empty()) part.ascii = romanise(part.text);
  if (part.ascii.empty() || romanise(part.ascii) != part.ascii) bad_data("bad romanisation of " + part.text);
  return {std::move(part), weight};
}

Weighted<NamePart> read_parts(const json& list) {
  Weighted<NamePart> parts;
  for (const auto& item : list) {
    auto [part, weight] = read_part(item);
    parts.add(std::move(part), weight);
  }
  if (parts.empty()) bad_data("an empty list of name parts");
  return parts;
}

template <class T, class Read>
Weighted<T> read_weighted(const json& list, Read read) {
  Weighted<T> out;
  for (const auto& item : list) out.add(read(item.at(0)), item.at(1).get<std::uint32_t>());
  return out;
}

// How one naming tradition writes a name and what its bearers prefer.
struct Tradition {
  Weighted<std::string> formats_male;
  Weighted<std::string> formats_female;
  std::map<std::string, Weighted<NamePart>> parts;
  std::vector<std::string> email;  // placeholders whose romanisations make the local part
  Weighted<std::string> languages;
  std::vector<std::pair<std::string, double>> notes;  // the first that comes up
};

std::vector<std::pair<std::string, double>> read_notes(const json& list) {
  std::vector<std::pair<std::string, double>> notes;
  for (const auto& item : list) notes.emplace_back(item.at(0).get<std::string>(), item.at(1).get<double>());
  return notes;
}

Tradition read_tradition(const std::string& key, const json& item, const json& default_notes) {
  Tradition t;
  const auto text = [](const json& value) { return value.get<std::string>(); };
  Weighted<std::string> both;
  if (item.contains("format")) both.add(item["format"].get<std::string>(), 1);
  if (item.contains("formats")) both = read_weighted<std::string>(item["formats"], text);
  t.formats_male = item.contains("formats_male") ? read_weighted<std::string>(item["formats_male"], text) : both;
  t.formats_female = item.contains("formats_female") ? read_weighted<std::string>(item["formats_female"], text) : both;
  if (t.formats_male.empty() || t.formats_female.empty()) bad_data("tradition " + key + " has no name format");
  for (const auto& [name, list] : item.at("parts").items()) t.parts.emplace(name, read_parts(list));
  t.email = item.at("email").get<std::vector<std::string>>();
  t.languages = read_weighted<std::string>(item.at("languages"), text);
  t.notes = read_notes(item.contains("notes") ? item["notes"] : default_notes);
  return t;
}

struct DrawnName {
  std::string text;
  std::string email_local;
};

// One name in tradition `t`, or nullopt when the draw repeats a word ("Hà Thị
// Hà", "Ismail bin Ismail"): the caller draws again.
std::optional<DrawnName> draw_name(const Tradition& t, bool female, DemoRandom& random) {
  const std::string& format = (female ? t.formats_female : t.formats_male).pick(random);
  std::map<std::string, const NamePart*> drawn;
  std::vector<const NamePart*> in_order;
  std::set<std::string> words;
  bool repeated = false;
  DrawnName name;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '{') {
      name.text += format[i];
      continue;
    }
    const std::size_t close = format.find('}', i);
    if (close == std::string::npos) bad_data("unclosed placeholder in " + format);
    const std::string key = format.substr(i + 1, close - i - 1);
    auto pool = t.parts.find(key + (female ? "_female" : "_male"));
    if (pool == t.parts.end()) pool = t.parts.find(key);
    if (pool == t.parts.end()) bad_data("no name parts for {" + key + "} in " + format);
    const NamePart& part = pool->second.pick(random);
    name.text += part.text;
    drawn[key] = &part;
    in_order.push_back(&part);
    std::size_t start = 0;
    while (start <= part.text.size()) {
      std::size_t end = part.text.find(' ', start);
      if (end == std::string::npos) end = part.text.size();
      if (end > start && !words.insert(part.text.substr(start, end - start)).second) repeated = true;
      start = end + 1;
    }
    i = close;
  }
  if (repeated) return std::nullopt;
  const auto append = [&](const NamePart& part) {
    if (!name.email_local.empty()) name.email_local += '.';
    name.email_local += part.ascii;
  };
  for (const std::string& key : t.email) {
    if (auto found = drawn.find(key); found != drawn.end()) append(*found->second);
  }
  if (name.email_local.empty()) {
    for (const NamePart* part : in_order) append(*part);
  }
  return name;
}

struct Position {
  std::string male;
  std::string female;
};

Position read_position(const json& item) {
  if (item.is_string()) return {item.get<std::string>(), item.get<std::string>()};
  return {item.at("m").get<std::string>(), item.at("f").get<std::string>()};
}

std::string fill_phone(const std::string& pattern, DemoRandom& random) {
  std::string phone = pattern;
  for (char& c : phone) {
    if (c == '#') c = static_cast<char>('0' + random.below(10));
  }
  return phone;
}

Category category_of(const json& value) {
  const auto category = domain::parse_name<Category>(value.get<std::string>(), domain::kCategoryNames);
  if (!category) bad_data("unknown category " + value.dump());
  return *category;
}

bool always_approved(Category category) {
  return category == Category::head_of_delegation || category == Category::organiser || category == Category::staff;
}

bool works_at_the_meeting(Category category) {
  return category == Category::organiser || category == Category::staff;
}

// The registration through the API's own checks (which also bring it to NFC).
domain::Registration checked(const domain::Registration& draft, RegistrationStatus status) {
  const domain::Event any_event;  // the reader takes only its id
  http::Validation validation;
  domain::Registration registration =
      api::read_registration(api::registration_input(draft), any_event, api::RegistrationEditor::host, validation);
  try {
    validation.throw_if_invalid();
  } catch (const http::ApiError& error) {
    bad_data("delegate " + draft.name + " is invalid: " + error.extensions().dump());
  }
  registration.status = status;
  return registration;
}

// Makes `local@domain` unique by numbering the local part.
std::string unique_email(std::set<std::string>& used, const std::string& local, const std::string& domain) {
  std::string email = local + "@" + domain;
  for (int n = 2; used.contains(email); ++n) email = local + std::to_string(n) + "@" + domain;
  used.insert(email);
  return email;
}

std::vector<DemoDelegate> generate(const json& data) {
  std::map<std::string, Tradition> traditions;
  for (const auto& [key, item] : data.at("traditions").items()) {
    traditions.emplace(key, read_tradition(key, item, data.at("default_notes")));
  }
  const double female_percent = data.at("female_percent").get<double>();
  const double no_phone_percent = data.at("phone_missing_percent").get<double>();
  const json& statuses = data.at("statuses");
  const double pending = statuses.at("pending").get<double>();
  const double rejected = statuses.at("rejected").get<double>();
  const double cancelled = statuses.at("cancelled").get<double>();

  // The fixed people's names and addresses first, so no generated one takes them.
  std::set<std::string> names;
  std::set<std::string> emails;
  for (const auto& delegation : data.at("delegations")) {
    for (const auto& person : delegation.value("people", json::array())) {
      if (!names.insert(person.at("name").get<std::string>()).second ||
          !emails.insert(person.at("email").get<std::string>()).second) {
        bad_data("two fixed people share a name or e-mail address: " + person.dump());
      }
    }
  }

  DemoRandom random(data.at("seed").get<std::uint32_t>());
  std::vector<DemoDelegate> delegates;
  for (const auto& delegation : data.at("delegations")) {
    const std::string code = delegation.at("code").get<std::string>();
    const std::string phone_pattern = delegation.at("phone").get<std::string>();
    const double remote_percent = delegation.at("remote_percent").get<double>();
    const auto known = [&](const json& value) {
      const std::string key = value.get<std::string>();
      if (!traditions.contains(key)) bad_data("delegation " + code + " names an unknown tradition " + key);
      return key;
    };
    const Weighted<std::string> delegation_traditions = read_weighted<std::string>(delegation.at("traditions"), known);
    std::optional<Weighted<std::string>> languages;
    if (delegation.contains("languages")) {
      languages =
          read_weighted<std::string>(delegation["languages"], [](const json& v) { return v.get<std::string>(); });
    }
    const auto phone = [&]() -> std::optional<std::string> {
      if (random.percent(no_phone_percent)) return std::nullopt;
      return fill_phone(phone_pattern, random);
    };
    const auto note = [&](const Tradition& tradition) -> std::optional<std::string> {
      for (const auto& [text, chance] : tradition.notes) {
        if (random.percent(chance)) return text;
      }
      return std::nullopt;
    };

    for (const auto& person : delegation.value("people", json::array())) {
      domain::Registration draft;
      draft.name = person.at("name").get<std::string>();
      draft.position = person.at("position").get<std::string>();
      draft.organisation = person.at("organisation").get<std::string>();
      draft.delegation = code;
      draft.category = category_of(person.at("category"));
      draft.email = person.at("email").get<std::string>();
      draft.phone = phone();
      draft.preferred_language = person.at("language").get<std::string>();
      DemoDelegate delegate{checked(draft, RegistrationStatus::approved), 0, 0};
      delegate.registered_ago = random.between(28 * kDay, 50 * kDay);
      delegate.decided_after = random.between(2 * kHour, 2 * kDay);
      delegates.push_back(std::move(delegate));
    }

    for (const auto& group : delegation.at("groups")) {
      const Category category = category_of(group.at("category"));
      std::vector<std::pair<std::string, std::string>> organisations;
      for (const auto& item : group.at("organisations")) {
        organisations.emplace_back(item.at(0).get<std::string>(), item.at(1).get<std::string>());
      }
      if (organisations.empty()) bad_data("a group of " + code + " has no organisation");
      const Weighted<Position> positions = read_weighted<Position>(group.at("positions"), read_position);
      const int count = group.at("count").get<int>();
      for (int i = 0; i < count; ++i) {
        const Tradition& tradition = traditions.at(delegation_traditions.pick(random));
        const bool female = random.percent(female_percent);
        std::optional<DrawnName> name;
        for (int attempt = 0; attempt < 100 && !name; ++attempt) {
          name = draw_name(tradition, female, random);
          if (name && names.contains(name->text)) name.reset();
        }
        if (!name) bad_data("ran out of distinct names for " + code);
        names.insert(name->text);

        const auto& [organisation, mail_domain] =
            organisations[random.below(static_cast<std::uint32_t>(organisations.size()))];
        const Position& position = positions.pick(random);
        domain::Registration draft;
        draft.name = name->text;
        draft.position = female ? position.female : position.male;
        draft.organisation = organisation;
        draft.delegation = code;
        draft.category = category;
        draft.email = unique_email(emails, name->email_local, mail_domain);
        draft.phone = phone();
        draft.preferred_language = (languages ? *languages : tradition.languages).pick(random);
        const bool may_be_remote =
            category == Category::delegate || category == Category::observer || category == Category::speaker;
        if (may_be_remote && random.percent(remote_percent)) draft.attendance = domain::Attendance::remote;
        draft.notes = note(tradition);

        RegistrationStatus status = RegistrationStatus::approved;
        if (!always_approved(category)) {
          const std::uint32_t ticket = random.below(10'000);
          if (ticket < pending * 100) {
            status = RegistrationStatus::pending;
          } else if (ticket < (pending + rejected) * 100) {
            status = RegistrationStatus::rejected;
          } else if (ticket < (pending + rejected + cancelled) * 100) {
            status = RegistrationStatus::cancelled;
          }
        }
        DemoDelegate delegate{checked(draft, status), 0, 0};
        if (category == Category::head_of_delegation) {
          delegate.registered_ago = random.between(28 * kDay, 50 * kDay);
        } else if (works_at_the_meeting(category)) {
          delegate.registered_ago = random.between(7 * kDay, 25 * kDay);
        } else if (status == RegistrationStatus::pending) {
          delegate.registered_ago = random.between(2 * kHour, 4 * kDay);
        } else {
          delegate.registered_ago = random.between(3 * kDay, 45 * kDay);
        }
        delegate.decided_after = random.between(kHour, std::min(4 * kDay, delegate.registered_ago - kHour));
        delegates.push_back(std::move(delegate));
      }
    }
  }
  // Oldest first: registration ids then follow the order people registered in.
  std::stable_sort(delegates.begin(), delegates.end(),
                   [](const DemoDelegate& a, const DemoDelegate& b) { return a.registered_ago > b.registered_ago; });
  return delegates;
}

// An approved delegate as seeded, with what the seeding did for them so far.
struct Seated {
  const DemoDelegate* delegate = nullptr;
  std::int64_t id = 0;
  std::int64_t decided_at = 0;
  std::optional<std::int64_t> arrived_at;
  std::vector<const domain::Session*> booked;
};

bool takes_seats(const Seated& seated) {
  const domain::Registration& r = seated.delegate->registration;
  return r.attendance == domain::Attendance::in_person && !works_at_the_meeting(r.category);
}

DemoDelegatesReport seed(db::Connection& c, const json& data, const std::vector<DemoDelegate>& delegates,
                         std::int64_t actor_id, std::int64_t now) {
  namespace store = db::registration_store;
  DemoDelegatesReport report;
  const auto event = db::agenda_store::find_event(c, kDemoEventSlug);
  if (!event) throw std::logic_error("the demo meeting must be seeded before its delegates");
  for (const DemoDelegate& delegate : delegates) {
    if (store::find_registration_by_email(c, event->id, *delegate.registration.email)) return report;
  }
  report.seeded = true;
  // A second stream, so the seats and arrivals do not shift the people.
  DemoRandom random(data.at("seed").get<std::uint32_t>() + 1);

  std::vector<Seated> approved;
  for (const DemoDelegate& delegate : delegates) {
    domain::Registration registration = delegate.registration;
    registration.event_id = event->id;
    registration.created_at = registration.updated_at = now - delegate.registered_ago;
    registration.status = RegistrationStatus::pending;
    const std::int64_t id = store::insert_registration(c, registration, std::nullopt);
    ++report.registrations;
    if (delegate.registration.status == RegistrationStatus::pending) continue;
    const std::int64_t decided_at = registration.created_at + delegate.decided_after;
    store::set_status(c, id, delegate.registration.status, actor_id, decided_at);
    if (delegate.registration.status != RegistrationStatus::approved) continue;
    db::checkin_store::ensure_badge(c, id, auth::new_token("plb_"), decided_at);
    ++report.badges;
    approved.push_back({&delegate, id, decided_at, std::nullopt, {}});
  }
  report.approved = approved.size();

  std::vector<domain::Session> sessions = db::agenda_store::list_sessions(c, event->id);
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const domain::Session& a, const domain::Session& b) { return a.starts_at < b.starts_at; });
  const auto english = [](const domain::Session& s) { return domain::pick(s.title, "en", "en"); };

  // Arrivals: the registration desk opens at 07:00 on the first day; a few
  // come on the second morning. Before the first morning, the badges picked
  // up so far were picked up at the hotels.
  const std::int64_t desk_opens = domain::event_zone(*event).start_of(event->first_day) + 7 * kHour;
  for (Seated& seated : approved) {
    const domain::Registration& r = seated.delegate->registration;
    if (r.attendance == domain::Attendance::remote) continue;
    const bool working = works_at_the_meeting(r.category);
    const double chance = working ? 100 : r.category == Category::head_of_delegation ? 95 : 70;
    if (!random.percent(chance)) continue;
    const bool late = !working && random.percent(15);
    std::int64_t at = late ? desk_opens + kDay + random.between(0, 2 * kHour)
                           : desk_opens + random.between(working ? -kHour : 0, 100 * kMinute);
    if (at > now) {
      if (late) continue;
      at = now - random.between(5 * kMinute, 2 * kHour);
    }
    at = std::max(at, seated.decided_at + kMinute);
    if (at > now) continue;
    db::checkin_store::insert_checkin(
        c, {0, event->id, seated.id, std::nullopt, "demo-" + std::to_string(seated.id), at, actor_id});
    seated.arrived_at = at;
    ++report.checked_in;
  }

  // Side-event seats: most side events full with a waitlist in arrival order,
  // the ones named in the data with seats left.
  const json& side = data.at("side_events");
  std::set<std::string> with_seats_left;
  for (const auto& title : side.at("with_seats_left")) with_seats_left.insert(title.get<std::string>());
  std::vector<std::size_t> takers;
  for (std::size_t i = 0; i < approved.size(); ++i) {
    if (takes_seats(approved[i])) takers.push_back(i);
  }
  for (const domain::Session& session : sessions) {
    if (session.kind != domain::SessionKind::side_event || !session.rsvp_required || !session.capacity) continue;
    const std::int64_t capacity = *session.capacity;
    const bool seats_left = with_seats_left.erase(english(session)) > 0;
    const std::int64_t wanted = seats_left ? capacity - random.between(side.at("free_seats").at(0).get<std::int64_t>(),
                                                                       side.at("free_seats").at(1).get<std::int64_t>())
                                           : capacity + random.between(side.at("waitlist").at(0).get<std::int64_t>(),
                                                                       side.at("waitlist").at(1).get<std::int64_t>());
    std::vector<std::size_t> order = takers;
    random.shuffle(order);
    std::vector<std::pair<std::int64_t, std::size_t>> requests;  // when, who
    const std::int64_t latest = std::min(now, session.starts_at) - 10 * kMinute;
    for (const std::size_t i : order) {
      if (static_cast<std::int64_t>(requests.size()) >= wanted) break;
      const Seated& seated = approved[i];
      if (latest <= seated.decided_at + kMinute) continue;
      const bool busy = std::any_of(seated.booked.begin(), seated.booked.end(), [&](const domain::Session* other) {
        return domain::overlaps(other->starts_at, other->ends_at, session.starts_at, session.ends_at);
      });
      if (busy) continue;
      requests.emplace_back(random.between(seated.decided_at + kMinute, latest), i);
    }
    std::sort(requests.begin(), requests.end());
    std::vector<std::size_t> seated_here;
    std::size_t waitlisted = 0;
    for (const auto& [at, i] : requests) {
      // As a claim does it: a seat while one is left, else the waitlist.
      const bool seat = store::count_confirmed(c, session.id) < capacity;
      store::insert_rsvp(c, session.id, approved[i].id,
                         seat ? domain::RsvpStatus::confirmed : domain::RsvpStatus::waitlisted, at);
      approved[i].booked.push_back(&session);
      if (seat) {
        seated_here.push_back(i);
      } else {
        ++waitlisted;
      }
    }
    report.confirmed_seats += seated_here.size();
    report.waitlisted += waitlisted;
    // A side event cancelled or moved after people booked keeps their RSVPs, marked, as the agenda API does.
    if (session.status == domain::SessionStatus::cancelled) {
      store::mark_rsvps(c, session.id, "cancelled");
      continue;
    }
    if (session.status == domain::SessionStatus::moved) store::mark_rsvps(c, session.id, "moved");
    if (waitlisted > 0 && store::count_confirmed(c, session.id) == capacity) ++report.full_side_events;

    // Most of the seated who are at the meeting come in at the door.
    if (session.starts_at > now) continue;
    for (const std::size_t i : seated_here) {
      const Seated& seated = approved[i];
      if (!seated.arrived_at || !random.percent(80)) continue;
      const std::int64_t at =
          std::max(*seated.arrived_at + kMinute, session.starts_at - random.between(0, 15 * kMinute));
      if (at > now) continue;
      db::checkin_store::insert_checkin(
          c, {0, event->id, seated.id, session.id,
              "demo-" + std::to_string(seated.id) + "-" + std::to_string(session.id), at, actor_id});
      ++report.side_event_checkins;
    }
  }
  for (const std::string& title : with_seats_left) {
    ops::logger().warn("demo side event not found; it fills up like the others", {{"title", title}});
  }

  // Bookmarks: some delegates mark a few meetings for their own agenda.
  std::vector<const domain::Session*> markable;
  for (const domain::Session& session : sessions) {
    if (session.kind != domain::SessionKind::break_ && session.kind != domain::SessionKind::side_event &&
        session.status != domain::SessionStatus::cancelled) {
      markable.push_back(&session);
    }
  }
  for (const Seated& seated : approved) {
    if (markable.empty() || works_at_the_meeting(seated.delegate->registration.category) || !random.percent(45)) {
      continue;
    }
    std::set<std::int64_t> marked;
    const std::int64_t count = random.between(1, 4);
    for (std::int64_t k = 0; k < count; ++k) {
      const domain::Session* session = markable[random.below(static_cast<std::uint32_t>(markable.size()))];
      if (!marked.insert(session->id).second) continue;
      store::add_bookmark(c, seated.id, session->id, random.between(seated.decided_at + kMinute, now));
      ++report.bookmarks;
    }
  }
  return report;
}

}  // namespace

std::vector<DemoDelegate> demo_delegates() {
  return generate(json::parse(embedded::kDemoDelegates));
}

DemoDelegatesReport seed_demo_delegates(db::Database& database, std::int64_t actor_id, std::int64_t now) {
  const auto started = std::chrono::steady_clock::now();
  const json data = json::parse(embedded::kDemoDelegates);
  // A restart finds the fixed people already there: one read, no generation.
  std::vector<std::string> fixed;
  for (const auto& delegation : data.at("delegations")) {
    for (const auto& person : delegation.value("people", json::array()))
      fixed.push_back(person.at("email").get<std::string>());
  }
  const bool present = database.read([&](db::Connection& c) {
    const auto event = db::agenda_store::find_event(c, kDemoEventSlug);
    return event && std::any_of(fixed.begin(), fixed.end(), [&](const std::string& email) {
             return db::registration_store::find_registration_by_email(c, event->id, email).has_value();
           });
  });
  DemoDelegatesReport report;
  if (!present) {
    const std::vector<DemoDelegate> delegates = generate(data);
    report = database.write([&](db::Connection& c) { return seed(c, data, delegates, actor_id, now); });
  }
  report.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (report.seeded) {
    ops::logger().info("demo delegates seeded", {{"registrations", report.registrations},
                                                 {"approved", report.approved},
                                                 {"confirmed_seats", report.confirmed_seats},
                                                 {"waitlisted", report.waitlisted},
                                                 {"checked_in", report.checked_in},
                                                 {"milliseconds", report.milliseconds}});
  }
  return report;
}

}  // namespace plenary::app
