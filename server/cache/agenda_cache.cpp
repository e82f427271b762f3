#include "cache/agenda_cache.hpp"

#include <mutex>

namespace plenary::cache {

std::uint64_t AgendaCache::generation(const std::string& slug) const {
  std::shared_lock lock(mutex_);
  const auto it = events_.find(slug);
  return it == events_.end() ? 0 : it->second.generation;
}

std::shared_ptr<const EventFacts> AgendaCache::facts(const std::string& slug) const {
  std::shared_lock lock(mutex_);
  const auto it = events_.find(slug);
  return it == events_.end() ? nullptr : it->second.facts;
}

std::shared_ptr<const Rendered> AgendaCache::find(const std::string& slug, const std::string& key) const {
  std::shared_lock lock(mutex_);
  const auto event = events_.find(slug);
  if (event == events_.end()) return nullptr;
  const auto entry = event->second.entries.find(key);
  return entry == event->second.entries.end() ? nullptr : entry->second;
}

void AgendaCache::put(const std::string& slug, std::uint64_t generation, const EventFacts& facts,
                      const std::string& key, std::shared_ptr<const Rendered> rendered) {
  std::unique_lock lock(mutex_);
  PerEvent& event = events_[slug];
  if (event.generation != generation) return;  // changed while this was rendered
  if (entries_ >= max_entries_) {
    // Past the bound (many filter combinations): start again rather than grow.
    for (auto& [name, other] : events_) other.entries.clear();
    entries_ = 0;
  }
  if (!event.facts) event.facts = std::make_shared<const EventFacts>(facts);
  if (event.entries.insert_or_assign(key, std::move(rendered)).second) ++entries_;
}

void AgendaCache::invalidate(const std::string& slug) {
  std::unique_lock lock(mutex_);
  PerEvent& event = events_[slug];
  ++event.generation;
  entries_ -= event.entries.size();
  event.entries.clear();
  event.facts.reset();
}

std::size_t AgendaCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_;
}

}  // namespace plenary::cache
