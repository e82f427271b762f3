// The rooms' video streams: what a room is showing (state, languages,
// renditions, viewers, where to play it, with a playback token for those
// entitled), and for admins how the venue's encoder connects (SRT port, stream
// key, passphrase, variants) and the key's rotation.
#include <nlohmann/json.hpp>

#include "api/agenda_support.hpp"
#include "api/field_reader.hpp"
#include "api/routes.hpp"
#include "auth/playback_token.hpp"
#include "auth/token.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/stream_store.hpp"
#include "domain/instant.hpp"
#include "http/api_error.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "relay/room_stream.hpp"
#include "relay/streaming_service.hpp"
#include "streaming/language_names.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

struct RoomInEvent {
  domain::Event event;
  domain::Room room;
};

RoomInEvent room_in_event(RequestContext& context, db::Connection& connection) {
  domain::Event event = visible_event(context, connection);
  const std::int64_t id = id_param(context, "room");
  auto room = db::agenda_store::find_room(connection, event.id, id);
  if (!room) throw http::not_found("There is no room " + std::to_string(id) + " in " + event.slug + ".");
  return {std::move(event), std::move(*room)};
}

relay::StreamingService& streaming(RequestContext& context) {
  relay::StreamingService* service = context.services().streaming;
  if (service == nullptr) throw http::service_unavailable("Streaming is not part of this server.");
  return *service;
}

std::string rendition_type(const std::string& name) {
  if (name.starts_with("video")) return "video";
  if (name.ends_with("_low")) return "audio_only";
  return "audio";
}

// Who may watch a delegates-only stream: hosts, and the event's own delegates.
bool entitled(const RequestContext& context, const domain::Event& event) {
  const auto& principal = context.principal();
  if (!principal) return false;
  return principal->is_host() || (principal->is_delegate() && principal->event_id == event.id);
}

Response get_stream(RequestContext& context) {
  const RoomInEvent found =
      context.services().database->read([&](db::Connection& connection) { return room_in_event(context, connection); });
  const auto& [event, room] = found;
  const View view = view_for(context, event);
  const domain::TimeZone zone = domain::event_zone(event);
  relay::StreamingService* service = context.services().streaming;
  auto stream = service != nullptr && room.streamed ? service->room(room.id) : nullptr;
  if (stream == nullptr && service != nullptr && service->available() && room.streamed) {
    // Streamed since the last tick: start its relay now rather than later.
    service->reconcile();
    stream = service->room(room.id);
  }

  nlohmann::json body = {{"room", {{"id", room.id}, {"name", view.text(room.name)}}},
                         {"streamed", room.streamed}};
  if (!room.streamed) {
    body["state"] = "off";
    return localized_response(200, body, view);
  }
  if (stream == nullptr) {
    body["state"] = "unavailable";
    body["detail"] = service != nullptr ? service->availability() : "Streaming is not part of this server.";
    return localized_response(200, body, view);
  }
  const relay::StreamSnapshot snapshot = stream->snapshot();
  body["state"] = relay::to_string(snapshot.state);
  if (!snapshot.detail.empty() && snapshot.state == relay::StreamState::error) body["detail"] = snapshot.detail;
  body["since"] = zone.format(snapshot.since);
  body["started_at"] = snapshot.started_at && snapshot.state != relay::StreamState::idle
                           ? nlohmann::json(zone.format(*snapshot.started_at))
                           : nlohmann::json(nullptr);
  const bool delegates_only =
      snapshot.settings.event_delegates_only || (snapshot.session && snapshot.session->delegates_only);
  body["access"] = delegates_only ? "delegates" : "public";
  if (snapshot.session && (!snapshot.session->delegates_only || sees_delegates_only(context, event))) {
    body["session"] = {{"id", snapshot.session->id},
                       {"href", "/api/v1/events/" + event.slug + "/sessions/" + std::to_string(snapshot.session->id)}};
  } else {
    body["session"] = nullptr;
  }

  const std::string base = "/live/" + event.slug + "/" + std::to_string(room.id) + "/";
  if (!delegates_only) {
    body["playback"] = {{"hls", base + "master.m3u8"}};
  } else if (entitled(context, event)) {
    const std::int64_t expires = domain::unix_now() + service->options().playback_token_ttl;
    const auto& principal = *context.principal();
    const std::string token = auth::sign_playback_token(
        service->playback_secret(),
        {.room_id = room.id, .registration_id = principal.is_delegate() ? principal.registration_id : 0,
         .expires_at = expires});
    body["playback"] = {{"hls", base + token + "/master.m3u8"}, {"expires_at", zone.format(expires)}};
  } else {
    body["playback"] = nullptr;
  }

  auto renditions = nlohmann::json::array();
  auto languages = nlohmann::json::array();
  double bitrate = 0;
  bool floor_seen = false;
  for (const auto& rendition : snapshot.renditions) {
    const std::string type = rendition_type(rendition.name);
    nlohmann::json entry = {{"name", rendition.name},
                            {"type", type},
                            {"codecs", rendition.codecs.empty() ? nlohmann::json(nullptr) : nlohmann::json(rendition.codecs)},
                            {"bitrate", static_cast<std::int64_t>(rendition.bits_per_second)}};
    if (type == "video") {
      entry["width"] = rendition.width;
      entry["height"] = rendition.height;
      if (rendition.name == "video") bitrate += rendition.bits_per_second;
    } else {
      entry["language"] = rendition.language.empty() ? nlohmann::json(nullptr) : nlohmann::json(rendition.language);
    }
    if (type == "audio") {
      const bool floor = !floor_seen;  // the first audio track is the floor (PID order)
      floor_seen = true;
      if (floor) bitrate += rendition.bits_per_second;
      const std::string code = rendition.language.empty() ? "und" : rendition.language;
      const std::string_view autonym = streaming::language_autonym(code);
      languages.push_back({{"code", code},
                           {"name", floor && (code == "mul" || code == "und") ? "Floor"
                                    : autonym.empty()                     ? code
                                                                          : std::string(autonym)},
                           {"floor", floor},
                           {"rendition", rendition.name}});
    }
    renditions.push_back(std::move(entry));
  }
  body["renditions"] = std::move(renditions);
  body["languages"] = std::move(languages);
  body["bitrate"] = static_cast<std::int64_t>(bitrate);
  body["viewers"] = stream->viewers();
  if (context.principal() && context.principal()->is_host()) {
    body["encoder"] = {{"peer", snapshot.publisher.empty() ? nlohmann::json(nullptr) : nlohmann::json(snapshot.publisher)},
                       {"refused", snapshot.refused},
                       {"last_refused_at", snapshot.last_refused_at ? nlohmann::json(zone.format(*snapshot.last_refused_at))
                                                                    : nlohmann::json(nullptr)},
                       {"last_refused_peer", snapshot.last_refused_peer.empty()
                                                 ? nlohmann::json(nullptr)
                                                 : nlohmann::json(snapshot.last_refused_peer)}};
    // Whether the session on air is being recorded, or paused for disk space.
    if (!snapshot.session) {
      body["recording"] = nullptr;
    } else if (snapshot.recording) {
      body["recording"] = {{"state", "on"}, {"detail", nullptr}};
    } else {
      body["recording"] = {{"state", "paused"},
                           {"detail", "The media disk is down to its reserve (--media-reserve); "
                                      "the live stream goes on unrecorded until space is freed."}};
    }
  }
  http::Response response = localized_response(200, body, view);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

// --- Settings (admins) ---

std::string encoder_host(const RequestContext& context, const relay::StreamingService& service) {
  const std::string& address = service.options().srt_address;
  if (address != "0.0.0.0" && address != "::") return address;
  // Listening everywhere: the host name the admin reached us by.
  std::string host(context.request().headers.get("Host").value_or("127.0.0.1"));
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
    host.resize(colon);
  }
  return host;
}

nlohmann::json render_settings(const RequestContext& context, const relay::StreamingService& service,
                               const domain::Event& event, const db::StoredRoomStream& stream) {
  const domain::TimeZone zone = domain::event_zone(event);
  return {{"room_id", stream.room_id},
          {"srt_port", stream.srt_port},
          {"stream_key", stream.stream_key},
          {"passphrase", stream.passphrase ? nlohmann::json(*stream.passphrase) : nlohmann::json(nullptr)},
          {"encoder_url", relay::encoder_url(encoder_host(context, service), stream)},
          {"track_languages", stream.track_languages},
          {"audio_only", stream.audio_only},
          {"low_video_height",
           stream.low_video_height ? nlohmann::json(*stream.low_video_height) : nlohmann::json(nullptr)},
          {"key_rotated_at", zone.format(stream.key_rotated_at)},
          {"updated_at", zone.format(stream.updated_at)}};
}

db::StoredRoomStream streamed_room_settings(relay::StreamingService& service, db::Connection& connection,
                                            const RoomInEvent& found) {
  if (!found.room.streamed) {
    throw http::conflict("Room " + std::to_string(found.room.id) +
                         " is not streamed; set \"streamed\": true on the room first.");
  }
  return service.ensure_stream(connection, found.room.id, domain::unix_now());
}

nlohmann::json redacted(nlohmann::json settings) {
  settings.erase("stream_key");
  settings.erase("encoder_url");
  if (!settings["passphrase"].is_null()) settings["passphrase"] = "(set)";
  return settings;
}

Response get_stream_settings(RequestContext& context) {
  relay::StreamingService& service = streaming(context);
  const auto [event, stream] = context.services().database->write([&](db::Connection& connection) {
    const RoomInEvent found = room_in_event(context, connection);
    return std::pair{found.event, streamed_room_settings(service, connection, found)};
  });
  service.reconcile();  // a room streamed since the last tick starts listening now
  http::Response response = http::json_response(200, render_settings(context, service, event, stream));
  response.headers.set("Cache-Control", "no-store");
  return response;
}

Response put_stream_settings(RequestContext& context) {
  relay::StreamingService& service = streaming(context);
  const nlohmann::json body = object_body(context);
  const auto [event, stream] = context.services().database->write([&](db::Connection& connection) {
    const RoomInEvent found = room_in_event(context, connection);
    db::StoredRoomStream next = streamed_room_settings(service, connection, found);
    const nlohmann::json before = redacted(render_settings(context, service, found.event, next));
    http::Validation validation;
    FieldReader fields(body, validation);
    fields.only({"srt_port", "passphrase", "track_languages", "audio_only", "low_video_height"});
    if (fields.has("srt_port")) next.srt_port = static_cast<int>(fields.integer("srt_port", 1024, 65535));
    if (body.contains("passphrase")) {
      if (body["passphrase"].is_null()) {
        next.passphrase.reset();
      } else if (auto passphrase = fields.optional_text("passphrase", 79)) {
        if (passphrase->size() < 10 || passphrase->size() > 79) {
          validation.add("passphrase", "must be 10 to 79 characters (SRT)");
        }
        next.passphrase = std::move(*passphrase);
      }
    }
    if (fields.has("track_languages")) next.track_languages = fields.language_list("track_languages", nullptr);
    if (next.track_languages.size() > 16) validation.add("track_languages", "may name at most 16 tracks");
    if (fields.has("audio_only")) next.audio_only = fields.boolean("audio_only", true);
    if (body.contains("low_video_height")) {
      next.low_video_height.reset();
      if (auto height = fields.optional_integer("low_video_height", 144, 720)) {
        if (*height % 2 != 0) validation.add("low_video_height", "must be even");
        next.low_video_height = static_cast<int>(*height);
      }
    }
    validation.throw_if_invalid();
    if (const auto owner = db::stream_store::room_on_port(connection, next.srt_port);
        owner && *owner != found.room.id) {
      throw http::conflict("Port " + std::to_string(next.srt_port) + " is the SRT port of room " +
                           std::to_string(*owner) + ".");
    }
    next.updated_at = domain::unix_now();
    db::stream_store::put_room_stream(connection, next);
    audit(connection, context, found.event, "room.stream_updated", "room", found.room.id, before,
          redacted(render_settings(context, service, found.event, next)));
    return std::pair{found.event, next};
  });
  service.reconcile();
  // In force before the answer: a restarted relay listens with the new port,
  // passphrase and variants (a restart takes tens of milliseconds).
  if (const auto room = service.room(stream.room_id)) {
    room->wait_listening(stream, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  }
  return http::json_response(200, render_settings(context, service, event, stream));
}

Response rotate_stream_key(RequestContext& context) {
  relay::StreamingService& service = streaming(context);
  const auto [event, stream] = context.services().database->write([&](db::Connection& connection) {
    const RoomInEvent found = room_in_event(context, connection);
    db::StoredRoomStream next = streamed_room_settings(service, connection, found);
    next.stream_key = auth::new_token("srt");
    next.key_rotated_at = next.updated_at = domain::unix_now();
    db::stream_store::put_room_stream(connection, next);
    audit(connection, context, found.event, "room.stream_key_rotated", "room", found.room.id, nullptr,
          {{"key_rotated_at", next.key_rotated_at}});
    return std::pair{found.event, next};
  });
  // In force before the answer: the old key is refused from here on.
  if (const auto room = service.room(stream.room_id)) room->apply_key_now(stream.stream_key);
  service.reconcile();
  return http::json_response(200, render_settings(context, service, event, stream));
}

}  // namespace

void add_stream_routes(http::Router& router) {
  using auth::Role;
  using http::Access;
  using http::Method;
  const http::RouteOptions admin{.access = Access::only({Role::admin})};
  router.add(Method::get, "/api/v1/events/{slug}/rooms/{room}/stream", get_stream);
  router.add(Method::get, "/api/v1/events/{slug}/rooms/{room}/stream/settings", get_stream_settings, admin);
  router.add(Method::put, "/api/v1/events/{slug}/rooms/{room}/stream/settings", put_stream_settings, admin);
  router.add(Method::post, "/api/v1/events/{slug}/rooms/{room}/stream/key", rotate_stream_key, admin);
}

}  // namespace plenary::api
