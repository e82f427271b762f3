#include "app/demo_stream.hpp"

#include "app/demo_meeting.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/stream_store.hpp"
#include "domain/agenda.hpp"

namespace plenary::app {
namespace {

constexpr std::int64_t kMinute = 60;

domain::LocalizedText demo_title() {
  return domain::LocalizedText{{"en", "Live demo: the venue encoder"},
                               {"vi", "Trình diễn trực tiếp: bộ mã hóa tại hội trường"},
                               {"ms", "Demo langsung: pengekod di dewan"}};
}

}  // namespace

std::optional<DemoStream> seed_demo_stream(db::Database& database, std::int64_t now) {
  return database.write([&](db::Connection& connection) -> std::optional<DemoStream> {
    const auto event = db::agenda_store::find_event(connection, kDemoEventSlug);
    if (!event) return std::nullopt;
    std::optional<domain::Room> room;
    for (const auto& candidate : db::agenda_store::list_rooms(connection, event->id, {.after_id = 0, .limit = 200})) {
      if (candidate.streamed) {
        room = candidate;
        break;
      }
    }
    if (!room) return std::nullopt;
    if (const auto on_air = db::stream_store::session_on_air_at(connection, room->id, now, 0)) {
      return DemoStream{room->id, *on_air};
    }
    // Until the room's next session, three hours at most.
    std::int64_t ends_at = now + 180 * kMinute;
    for (const auto& session : db::agenda_store::list_sessions(connection, event->id)) {
      if (session.room_id == room->id && session.starts_at > now && session.starts_at < ends_at) {
        ends_at = session.starts_at;
      }
    }
    domain::Session session;
    session.event_id = event->id;
    session.kind = domain::SessionKind::other;
    session.title = demo_title();
    session.description = domain::LocalizedText{
        {"en", "A synthetic camera with a running clock and one tone per language: floor, English, Vietnamese."}};
    session.starts_at = now - 2 * kMinute;
    session.ends_at = std::max(ends_at, now + 10 * kMinute);
    session.room_id = room->id;
    session.interpretation_languages = {"en", "vi"};
    session.visibility = domain::Visibility::public_;
    session.id = db::agenda_store::insert_session(connection, session, now);
    return DemoStream{room->id, session.id};
  });
}

}  // namespace plenary::app
