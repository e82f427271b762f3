#pragma once

#include "cache/agenda_cache.hpp"
#include "db/agenda_store.hpp"
#include "db/database.hpp"
#include "http/api_error.hpp"
#include "http/services.hpp"

namespace plenary::api {

template <class Change>
auto write_in_event(http::RequestContext& context, Change&& change) {
  const std::string slug(context.param("slug"));
  return context.services().database->write([&](db::Connection& connection) {
    const auto event = db::agenda_store::find_event(connection, slug);
    if (!event) throw http::not_found("There is no event " + slug + ".");
    return change(connection, *event);
  });
}

template <class Change>
auto change_event(http::RequestContext& context, Change&& change) {
  const std::string slug(context.param("slug"));
  http::Services& services = context.services();
  struct Invalidate {
    cache::AgendaCache* cache;
    const std::string& slug;
    // Also on failure: a rolled-back write leaves the cache right, and a
    // write that committed before failing later must not leave it stale.
    ~Invalidate() {
      if (cache != nullptr) cache->invalidate(slug);
    }
  } invalidate{services.agenda_cache, slug};
  return write_in_event(context, std::forward<Change>(change));
}

}  // namespace plenary::api
