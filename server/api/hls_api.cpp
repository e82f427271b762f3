// HLS for players: each streamed room's live playlists and segments below
// /live/{event}/{room}/, and each recorded session's replay below
// /replay/{event}/{session}/. A playback token, when the stream or replay is
// for delegates only, stands in the path before the file names (see
// relay/hls_path.hpp). Playlists are cached for a second, segments for a day
// (their names are never reused), so an nginx or CDN edge can carry the
// public streams; delegates-only answers are private.
#include <fstream>
#include <sstream>

#include "api/agenda_support.hpp"
#include "api/routes.hpp"
#include "auth/playback_token.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "db/stream_store.hpp"
#include "domain/instant.hpp"
#include "http/api_error.hpp"
#include "http/body_file.hpp"
#include "http/router.hpp"
#include "http/services.hpp"
#include "relay/hls_path.hpp"
#include "relay/room_stream.hpp"
#include "relay/streaming_service.hpp"

namespace plenary::api {
namespace {

using http::RequestContext;
using http::Response;

constexpr const char* kPlaylistCache = "max-age=1";
constexpr const char* kSegmentCache = "max-age=86400, immutable";

// The path after "/live/{event}/{room}/" or "/replay/{event}/{session}/", as
// sent: a percent-encoded name is none the relay writes, so it finds nothing.
std::string_view tail(const RequestContext& context) {
  std::string_view path = context.request().path();
  for (int skip = 0; skip < 4; ++skip) {
    const std::size_t slash = path.find('/');
    if (slash == std::string_view::npos) return {};
    path.remove_prefix(slash + 1);
  }
  return path;
}

relay::HlsTarget target_of(const RequestContext& context, bool live) {
  auto target = relay::parse_hls_tail(tail(context), live);
  if (!target) throw http::not_found("There is no such playlist or segment.");
  return std::move(*target);
}

// 403 unless the token lets its holder watch `room_id` now; what it grants.
auth::PlaybackGrant check_token(const RequestContext& context, const relay::HlsTarget& target, std::int64_t room_id,
                                const char* what) {
  if (target.token.empty()) {
    throw http::forbidden(std::string(what) +
                          " is for delegates: play the URL with a playback token that the stream endpoint gives "
                          "a signed-in delegate (GET /api/v1/events/{event}/rooms/{room}/stream).");
  }
  const auto verdict = auth::verify_playback_token(context.services().streaming->playback_secret(), target.token,
                                                   room_id, domain::unix_now());
  switch (verdict.check) {
    case auth::PlaybackCheck::valid: return verdict.grant;
    case auth::PlaybackCheck::expired:
      throw http::forbidden("The playback token has expired: ask the stream endpoint for a new one.");
    case auth::PlaybackCheck::wrong_room: throw http::forbidden("The playback token is for another room.");
    case auth::PlaybackCheck::malformed:
    case auth::PlaybackCheck::bad_signature: break;
  }
  throw http::forbidden("The playback token is not valid.");
}

std::optional<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Response playlist_response(std::string text, bool private_answer) {
  Response response = http::text_response(200, std::move(text), "application/vnd.apple.mpegurl");
  response.headers.set("Cache-Control", std::string(private_answer ? "private, " : "public, ") + kPlaylistCache);
  response.headers.set("Access-Control-Allow-Origin", "*");
  return response;
}

Response segment_response(const std::filesystem::path& file, bool private_answer) {
  auto body = http::BodyFile::open(file.c_str());
  if (!body) throw http::not_found("There is no such segment (any more).");
  Response response;
  response.status = 200;
  response.body_file = std::move(body);
  response.headers.set("Content-Type", "video/mp2t");
  response.headers.set("Cache-Control", std::string(private_answer ? "private, " : "public, ") + kSegmentCache);
  response.headers.set("Access-Control-Allow-Origin", "*");
  return response;
}

// Who is watching: the delegate a checked token names (hosts, 0, by token),
// else the address and browser.
std::string viewer_of(const RequestContext& context, const relay::HlsTarget& target,
                      const std::optional<auth::PlaybackGrant>& grant) {
  if (grant && grant->registration_id != 0) return "delegate:" + std::to_string(grant->registration_id);
  if (grant) return "token:" + target.token.substr(0, target.token.find('.'));
  return context.request().remote_address + " " +
         std::string(context.request().headers.get("User-Agent").value_or(""));
}

Response get_live(RequestContext& context) {
  relay::StreamingService* service = context.services().streaming;
  if (service == nullptr) throw http::not_found("Streaming is not part of this server.");
  const std::int64_t room_id = id_param(context, "room");
  const auto stream = service->room(room_id);
  if (!stream) throw http::not_found("Room " + std::to_string(room_id) + " has no stream here.");
  const relay::StreamSnapshot snapshot = stream->snapshot();
  if (snapshot.settings.event_slug != context.param("slug")) {
    throw http::not_found("Room " + std::to_string(room_id) + " has no stream here.");
  }
  const relay::HlsTarget target = target_of(context, true);
  if (snapshot.run.empty()) throw http::not_found("The room's relay is not running; see its stream status.");
  const bool delegates_only =
      snapshot.settings.event_delegates_only || (snapshot.session && snapshot.session->delegates_only);
  std::optional<auth::PlaybackGrant> grant;
  if (delegates_only) grant = check_token(context, target, room_id, "This stream");

  if (target.file == "master.m3u8") {
    auto master = read_small_file(snapshot.run_dir / "master.m3u8");
    if (!master) {
      http::ApiError error = http::not_found("The room's stream has not started yet; try again in a few seconds.");
      error.headers().set("Retry-After", "2");
      error.headers().set("Cache-Control", "max-age=1");
      throw error;
    }
    stream->note_viewer(viewer_of(context, target, grant));
    return playlist_response(relay::prefix_playlist_uris(*master, snapshot.run + "/"), delegates_only);
  }
  const std::filesystem::path file = snapshot.run_dir.parent_path() / target.run / target.rendition / target.file;
  if (target.playlist()) {
    auto text = read_small_file(file);
    if (!text) throw http::not_found("There is no such playlist (any more): reload the master playlist.");
    stream->note_viewer(viewer_of(context, target, grant));
    return playlist_response(std::move(*text), delegates_only);
  }
  return segment_response(file, delegates_only);
}

Response get_replay(RequestContext& context) {
  relay::StreamingService* service = context.services().streaming;
  if (service == nullptr) throw http::not_found("Streaming is not part of this server.");
  const std::int64_t session_id = id_param(context, "session");
  const relay::HlsTarget target = target_of(context, false);
  struct Found {
    db::StoredRecording recording;
    bool delegates_only = false;
  };
  const Found found = context.services().database->read([&](db::Connection& connection) {
    auto event = db::agenda_store::find_event(connection, context.param("slug"));
    auto session = event ? db::agenda_store::find_session(connection, event->id, session_id) : std::nullopt;
    auto recording = session ? db::stream_store::find_recording(connection, session_id) : std::nullopt;
    if (!recording || !recording->complete || recording->seconds <= 0) {
      throw http::not_found("Session " + std::to_string(session_id) + " has no replay.");
    }
    return Found{std::move(*recording), event->visibility == domain::Visibility::delegates ||
                                            session->visibility == domain::Visibility::delegates};
  });
  if (found.delegates_only) check_token(context, target, found.recording.room_id, "This replay");
  const std::filesystem::path folder = service->options().media_dir / found.recording.path;
  const std::filesystem::path file =
      target.rendition.empty() ? folder / "master.m3u8" : folder / target.rendition / target.file;
  if (target.playlist()) {
    auto text = read_small_file(file);
    if (!text) throw http::not_found("There is no such playlist in this replay.");
    Response response = playlist_response(std::move(*text), found.delegates_only);
    // A finished recording does not change.
    response.headers.set("Cache-Control", std::string(found.delegates_only ? "private, " : "public, ") + "max-age=300");
    return response;
  }
  return segment_response(file, found.delegates_only);
}

}  // namespace

void add_hls_routes(http::Router& router) {
  using http::Method;
  // Live: the master, the master after a token, a run's media playlist or
  // segment, and the same after a token. Handlers read the path themselves.
  // HLS goes out as it is: video does not compress, and players poll playlists.
  const http::RouteOptions on_io{.run_on = http::RunOn::io, .compress = false};
  for (const char* tail : {"/{file}", "/{token}/{file}", "/{run}/{rendition}/{file}",
                           "/{token}/{run}/{rendition}/{file}"}) {
    router.add(Method::get, std::string("/live/{slug}/{room}") + tail, get_live, on_io);
  }
  // Replay: the master, a token's master or a rendition's file, a token's rendition file.
  for (const char* tail : {"/{file}", "/{token_or_rendition}/{file}", "/{token}/{rendition}/{file}"}) {
    router.add(Method::get, std::string("/replay/{slug}/{session}") + tail, get_replay, {.compress = false});
  }
}

}  // namespace plenary::api
