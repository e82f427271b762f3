#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/agenda.hpp"
#include "http/body_file.hpp"

namespace plenary::cache {

// One rendered response body, in both encodings, shared with every response
// that sends it (no copy per request).
struct Rendered {
  std::shared_ptr<const std::string> identity;
  std::shared_ptr<const std::string> gzip;
  // The same bytes in memory files, sent with sendfile(2); null if unavailable.
  std::shared_ptr<const http::BodyFile> identity_file;
  std::shared_ptr<const http::BodyFile> gzip_file;
  std::string etag;  // strong, of the identity bytes: "\"…\""
  std::string content_language;
};

// What the I/O thread needs to know about an event to find its cached
// agenda without the database: its id, languages and visibility.
struct EventFacts {
  std::int64_t id = 0;
  std::vector<std::string> languages;
  std::string default_language;
  domain::Visibility visibility = domain::Visibility::public_;
};

// Rendered agendas per (event, audience, language, filters), kept in memory
// so a read under load runs no SQL. Invalidated as a whole per event on any
// change. A render that read the database before a change must not be stored
// after it: callers take generation() before reading and hand it to put(),
// which drops the entry if the event changed in between.
// Thread-safety: every member may be called from any thread.
class AgendaCache {
 public:
  // Each entry holds two memfds: max_entries bounds the files the cache keeps
  // open (kMaxOpenFiles), which the connection limit leaves room for.
  explicit AgendaCache(std::size_t max_entries = kMaxEntries) : max_entries_(max_entries) {}
  static constexpr std::size_t kMaxEntries = 512;
  static constexpr std::size_t kMaxOpenFiles = 2 * kMaxEntries;

  std::uint64_t generation(const std::string& slug) const;
  std::shared_ptr<const EventFacts> facts(const std::string& slug) const;
  std::shared_ptr<const Rendered> find(const std::string& slug, const std::string& key) const;
  void put(const std::string& slug, std::uint64_t generation, const EventFacts& facts, const std::string& key,
           std::shared_ptr<const Rendered> rendered);
  void invalidate(const std::string& slug);
  std::size_t size() const;

 private:
  struct PerEvent {
    std::uint64_t generation = 0;
    std::shared_ptr<const EventFacts> facts;
    std::unordered_map<std::string, std::shared_ptr<const Rendered>> entries;
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, PerEvent> events_;
  std::size_t entries_ = 0;
  std::size_t max_entries_;
};

}  // namespace plenary::cache
