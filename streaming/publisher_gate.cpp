#include "streaming/publisher_gate.hpp"

#include <algorithm>

namespace plenary::streaming {

bool same_key(std::string_view offered, std::string_view expected) noexcept {
  unsigned diff = offered.size() == expected.size() ? 0U : 1U;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char c = i < offered.size() ? offered[i] : '\0';
    diff |= static_cast<unsigned>(static_cast<unsigned char>(c) ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0;
}

bool PublisherGate::set_stream_id(std::string stream_id) {
  std::lock_guard lock{mutex_};
  stream_id_ = std::move(stream_id);
  // A handshake checked against the old id must not be admitted later.
  std::erase_if(checked_, [&](const auto& entry) { return !same_key(entry.second, stream_id_); });
  if (!admitted_.load() || stream_id_.empty() || same_key(admitted_id_, stream_id_)) return false;
  admitted_.store(false);
  revoked_ = true;
  return true;
}

bool PublisherGate::revoked() const {
  std::lock_guard lock{mutex_};
  return revoked_;
}

bool PublisherGate::check_handshake(const std::string& peer, std::string_view offered) {
  std::lock_guard lock{mutex_};
  if (!stream_id_.empty() && !same_key(offered, stream_id_)) return false;
  std::erase_if(checked_, [&](const auto& entry) { return entry.first == peer; });
  if (checked_.size() >= kMaxChecked) checked_.erase(checked_.begin());
  checked_.emplace_back(peer, std::string{offered});
  return true;
}

PublisherGate::Admission PublisherGate::admit(const std::string& peer) {
  std::lock_guard lock{mutex_};
  const auto it = std::find_if(checked_.begin(), checked_.end(), [&](const auto& entry) { return entry.first == peer; });
  const bool checked = it != checked_.end();
  std::string offered = checked ? std::move(it->second) : std::string{};
  if (checked) checked_.erase(it);
  // With no id required there is nothing the handshake could have refused.
  if (!stream_id_.empty() && !(checked && same_key(offered, stream_id_))) return Admission::unchecked;
  admitted_id_ = std::move(offered);
  admitted_.store(true);
  return Admission::admitted;
}

void PublisherGate::reset() {
  std::lock_guard lock{mutex_};
  checked_.clear();
  admitted_id_.clear();
  revoked_ = false;
  admitted_.store(false);
}

}  // namespace plenary::streaming
