#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "http/url.hpp"

namespace plenary::http {
namespace {

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> split_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with '/'");
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    segments.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  if (segments.size() == 1 && segments.front().empty()) segments.clear();
  return segments;
}

// Scores a match: more literal segments earlier means more specific.
// Returns -1 when the pattern does not match.
long specificity(const Route& route, const std::vector<std::string>& segments, PathParams* params) {
  if (route.segments.size() != segments.size()) return -1;
  long score = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& expected = route.segments[i];
    score <<= 1;
    if (is_parameter(expected)) {
      if (segments[i].empty()) return -1;
      if (params != nullptr) params->emplace_back(expected.substr(1, expected.size() - 2), segments[i]);
    } else if (expected == segments[i]) {
      score |= 1;
    } else {
      return -1;
    }
  }
  return score;
}

void append_method(std::string& allow, std::string_view method) {
  if (allow.find(method) != std::string::npos) return;
  if (!allow.empty()) allow += ", ";
  allow += method;
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler, RouteOptions options) {
  if (options.run_on == RunOn::io && options.access.needs_principal()) {
    throw std::invalid_argument("route " + std::string(pattern) + ": routes on the I/O thread must be public");
  }
  Route route{method, std::string(pattern), split_pattern(pattern), std::move(handler), options};
  for (const Route& existing : routes_) {
    if (existing.method == method && existing.segments == route.segments) {
      throw std::invalid_argument("route declared twice: " + std::string(to_string(method)) + " " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

void Router::set_fallback(Handler handler, RouteOptions options) {
  fallback_ = Route{Method::get, "static", {}, std::move(handler), options};
}

Router::Match Router::match(Method method, std::string_view raw_path) const {
  Match result;
  const auto segments = split_path(raw_path);
  if (!segments) {
    result.outcome = Match::Outcome::bad_path;
    return result;
  }
  const Method wanted = method == Method::head ? Method::get : method;
  const Route* best = nullptr;
  long best_score = -1;
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments->size()) continue;
    const long score = specificity(route, *segments, nullptr);
    if (score < 0) continue;
    path_known = true;
    const bool method_fits = route.method == method || route.method == wanted;
    if (method_fits && score > best_score) {
      best = &route;
      best_score = score;
    }
  }
  if (best != nullptr) {
    specificity(*best, *segments, &result.params);
    result.route = best;
    result.outcome = Match::Outcome::found;
    return result;
  }
  if (path_known) {
    for (const Route& route : routes_) {  // only now: who answers this path, for Allow
      if (specificity(route, *segments, nullptr) < 0) continue;
      append_method(result.allow, to_string(route.method));
      if (route.method == Method::get) append_method(result.allow, "HEAD");
    }
    append_method(result.allow, "OPTIONS");
    result.outcome = method == Method::options ? Match::Outcome::found : Match::Outcome::method_not_allowed;
    return result;
  }
  const bool api = raw_path == "/api" || raw_path.starts_with("/api/");
  if (fallback_ && !api && (method == Method::get || method == Method::head)) {
    result.route = &*fallback_;
    result.outcome = Match::Outcome::found;
  }
  return result;
}

}  // namespace plenary::http
