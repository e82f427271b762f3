// Rooms, tracks and speakers: the same five operations on three resources of
// an event, declared once through CrudSpec.
#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "api/agenda_support.hpp"
#include "api/routes.hpp"
#include "db/error.hpp"
#include "http/router.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

template <class T>
struct CrudSpec {
  std::string entity;      // "room"
  std::string collection;  // "rooms"
  T (*read)(const nlohmann::json&, const domain::Event&, http::Validation&);
  nlohmann::json (*input)(const T&);
  nlohmann::json (*render)(const T&, const View&);
  std::optional<T> (*find)(db::Connection&, std::int64_t, std::int64_t);
  std::vector<T> (*list)(db::Connection&, std::int64_t, const db::PageRequest&);
  std::int64_t (*insert)(db::Connection&, const T&);
  void (*update)(db::Connection&, const T&);
  void (*remove)(db::Connection&, std::int64_t);
  std::string in_use;  // why a delete refused by a foreign key is refused
};

template <class T>
std::string location(const CrudSpec<T>& spec, const domain::Event& event, std::int64_t id) {
  return "/api/v1/events/" + event.slug + "/" + spec.collection + "/" + std::to_string(id);
}

template <class T>
Response list(const CrudSpec<T>& spec, RequestContext& context) {
  const db::PageRequest page = page_request(context);
  struct Result {
    domain::Event event;
    std::vector<T> rows;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    auto rows = spec.list(connection, event.id, {page.after_id, page.limit + 1});
    return Result{std::move(event), std::move(rows)};
  });
  const View view = view_for(context, result.event);
  return localized_response(200, page_json(result.rows, page, [&](const T& row) { return spec.render(row, view); }),
                            view);
}

template <class T>
Response create(const CrudSpec<T>& spec, RequestContext& context) {
  const nlohmann::json body = object_body(context);
  const auto [event, row] = change_event(context, [&](db::Connection& connection, const domain::Event& current) {
    http::Validation validation;
    T next = spec.read(body, current, validation);
    validation.throw_if_invalid();
    next.id = spec.insert(connection, next);
    audit(connection, context, current, spec.entity + ".created", spec.entity, next.id, nullptr, spec.input(next));
    return std::pair{current, next};
  });
  return created(with_id(spec.input(row), row.id), location(spec, event, row.id));
}

template <class T>
Response patch(const CrudSpec<T>& spec, RequestContext& context) {
  const nlohmann::json body = object_body(context);
  const std::int64_t id = id_param(context, "id");
  const T row = change_event(context, [&](db::Connection& connection, const domain::Event& current) {
    const auto existing = spec.find(connection, current.id, id);
    if (!existing) throw http::not_found("There is no " + spec.entity + " " + std::to_string(id) + ".");
    const nlohmann::json before = spec.input(*existing);
    http::Validation validation;
    T next = spec.read(merge_patch(before, body), current, validation);
    validation.throw_if_invalid();
    next.id = id;
    spec.update(connection, next);
    audit(connection, context, current, spec.entity + ".updated", spec.entity, id, before, spec.input(next));
    return next;
  });
  return http::json_response(200, with_id(spec.input(row), row.id));
}

template <class T>
Response remove(const CrudSpec<T>& spec, RequestContext& context) {
  const std::int64_t id = id_param(context, "id");
  try {
    change_event(context, [&](db::Connection& connection, const domain::Event& current) {
      const auto existing = spec.find(connection, current.id, id);
      if (!existing) throw http::not_found("There is no " + spec.entity + " " + std::to_string(id) + ".");
      audit(connection, context, current, spec.entity + ".deleted", spec.entity, id, spec.input(*existing), nullptr);
      spec.remove(connection, id);
    });
  } catch (const db::ConstraintError& error) {
    if (error.is_foreign_key()) throw http::conflict(spec.in_use);
    throw;
  }
  return http::empty_response(204);
}

template <class T>
void add_crud_routes(http::Router& router, const CrudSpec<T>& spec) {
  using http::Method;
  const std::string collection = "/api/v1/events/{slug}/" + spec.collection;
  const std::string item = collection + "/{id}";
  const http::RouteOptions admin{.access = http::Access::only({auth::Role::admin})};
  router.add(Method::get, collection, [spec](RequestContext& context) { return list(spec, context); });
  router.add(
      Method::post, collection, [spec](RequestContext& context) { return create(spec, context); }, admin);
  router.add(
      Method::patch, item, [spec](RequestContext& context) { return patch(spec, context); }, admin);
  router.add(
      Method::delete_, item, [spec](RequestContext& context) { return remove(spec, context); }, admin);
}

// A speaker with the sessions they appear in that the caller may see.
Response get_speaker(RequestContext& context) {
  const std::int64_t id = id_param(context, "id");
  AgendaData data;
  const domain::Person person = context.services().database->read([&](db::Connection& connection) {
    data.event = visible_event(context, connection);
    auto found = db::agenda_store::find_person(connection, data.event.id, id);
    if (!found) throw http::not_found("There is no speaker " + std::to_string(id) + " in " + data.event.slug + ".");
    data.sessions = db::agenda_store::list_sessions(connection, data.event.id);
    return std::move(*found);
  });
  const View view = view_for(context, data.event);
  nlohmann::json body = render_person(person, view);
  auto sessions = nlohmann::json::array();
  for (const auto& session : data.sessions) {
    if (session.visibility == domain::Visibility::delegates && !sees_delegates_only(context, data.event)) continue;
    for (const auto& speaker : session.speakers) {
      if (speaker.person_id != id) continue;
      sessions.push_back({{"id", session.id},
                          {"title", view.text(session.title)},
                          {"role", domain::to_string(speaker.role)},
                          {"starts_at", view.time(session.starts_at)},
                          {"ends_at", view.time(session.ends_at)},
                          {"status", domain::to_string(session.status)}});
    }
  }
  body["sessions"] = std::move(sessions);
  return localized_response(200, body, view);
}

}  // namespace

void add_event_resource_routes(http::Router& router) {
  namespace store = db::agenda_store;
  add_crud_routes<domain::Room>(router, {"room", "rooms", read_room, room_input, render_room, store::find_room,
                                         store::list_rooms, store::insert_room, store::update_room, store::delete_room,
                                         "Sessions are booked in this room; move or delete them first."});
  add_crud_routes<domain::Track>(
      router, {"track", "tracks", read_track, track_input, render_track, store::find_track, store::list_tracks,
               store::insert_track, store::update_track, store::delete_track, "This track is in use."});
  add_crud_routes<domain::Person>(
      router, {"speaker", "speakers", read_person, person_input, render_person, store::find_person, store::list_people,
               store::insert_person, store::update_person, store::delete_person,
               "This person speaks in sessions; take them off those sessions first."});
  router.add(http::Method::get, "/api/v1/events/{slug}/speakers/{id}", get_speaker);
}

}  // namespace plenary::api
