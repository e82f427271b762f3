#include "live/hub.hpp"

#include <algorithm>

namespace plenary::live {

void Hub::subscribe(const ChannelKey& channel, const std::shared_ptr<LiveSubscriber>& subscriber, Options options,
                    ChannelLanguages languages) {
  std::lock_guard lock(mutex_);
  Channel& target = channels_[channel];
  target.languages = std::move(languages);
  target.entries[subscriber.get()] = Entry{subscriber, subscriber.get(), std::move(options)};
}

void Hub::unsubscribe(const ChannelKey& channel, const LiveSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  const auto found = channels_.find(channel);
  if (found == channels_.end()) return;
  found->second.entries.erase(subscriber);
  if (found->second.entries.empty()) channels_.erase(found);
}

void Hub::publish(const LiveMessage& message) {
  std::vector<std::pair<std::shared_ptr<LiveSubscriber>, Options>> recipients;
  ChannelLanguages languages;
  {
    std::lock_guard lock(mutex_);
    const auto found = channels_.find(message.channel);
    if (found == channels_.end()) return;
    languages = found->second.languages;
    auto& entries = found->second.entries;
    recipients.reserve(entries.size());
    for (auto it = entries.begin(); it != entries.end();) {
      auto subscriber = it->second.subscriber.lock();
      if (!subscriber) {  // its connection is gone
        it = entries.erase(it);
        continue;
      }
      if (!message.delegates_only || it->second.options.delegates) {
        recipients.emplace_back(std::move(subscriber), it->second.options);
      }
      ++it;
    }
  }
  // One buffer per language, shared by every recipient that asked for it.
  std::map<std::string, std::shared_ptr<const std::string>> rendered;
  for (auto& [subscriber, options] : recipients) {
    auto& text = rendered[options.language];
    if (!text) text = std::make_shared<const std::string>(render(message, options.language, languages));
    subscriber->deliver(message.channel, message.seq, text);
  }
}

std::size_t Hub::subscriptions() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, channel] : channels_) count += channel.entries.size();
  return count;
}

}  // namespace plenary::live
