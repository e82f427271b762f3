#pragma once

#include <array>
#include <string>
#include <string_view>

namespace plenary::http {

// The web app's own routes, which it draws in the browser (History API): the
// delegates' app under "/e/" ("/e/{slug}/", "/e/{slug}/sessions/12", ...) and
// the host console at "/host" and under it. A GET for such a path that names
// no file answers the root index.html, so a reload or a shared link opens the
// app. An entry ending in '/' matches what lies below it; one without matches
// itself and what lies below. The one list of them.
inline constexpr std::array<std::string_view, 2> kAppRoutes{"/e/", "/host"};

// True when `path` (as sent, before '?') is one of kAppRoutes.
constexpr bool is_app_route(std::string_view path) noexcept {
  for (const std::string_view route : kAppRoutes) {
    if (!path.starts_with(route)) continue;
    if (route.ends_with('/') || path.size() == route.size() || path[route.size()] == '/') return true;
  }
  return false;
}

// "/e/{slug}/": the delegates' app for one event.
inline std::string delegate_app_path(std::string_view slug) {
  return "/e/" + std::string(slug) + "/";
}

// "/e/{slug}/#code={code}": opens the delegates' app, which signs in with the
// code. It travels in the fragment, which browsers never send to a server, so
// no server or proxy log holds it. `normalized_code` as
// auth::normalize_access_code gives it (no dashes, upper case).
inline std::string sign_in_link(std::string_view slug, std::string_view normalized_code) {
  return delegate_app_path(slug) + "#code=" + std::string(normalized_code);
}

}  // namespace plenary::http
