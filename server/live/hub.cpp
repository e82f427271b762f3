#include "live/hub.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "live/frame.hpp"
#include "live/lanes.hpp"

namespace plenary::live {

// One message's frames, one per language, for one lane's deliveries.
struct Hub::Frames {
  std::vector<std::shared_ptr<const std::string>> by_language;  // as in publish()'s `wanted`
};

Hub::Hub(boost::asio::io_context& io, std::size_t io_threads)
    : lanes_(std::make_unique<Lanes>(io, io_threads)), queues_(lanes_->count()) {}

Hub::~Hub() = default;

void Hub::subscribe(const ChannelKey& channel, const std::shared_ptr<LiveSubscriber>& subscriber, std::size_t lane,
                    Options options, ChannelLanguages languages) {
  std::lock_guard lock(mutex_);
  Channel& target = channels_[channel];
  target.languages = std::move(languages);
  target.entries[subscriber.get()] = Entry{subscriber, subscriber.get(), lane % lanes_->count(), std::move(options)};
}

void Hub::unsubscribe(const ChannelKey& channel, const LiveSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  const auto found = channels_.find(channel);
  if (found == channels_.end()) return;
  found->second.entries.erase(subscriber);
  if (found->second.entries.empty()) channels_.erase(found);
}

void Hub::publish(const LiveMessage& message) {
  const std::size_t lane_count = lanes_->count();
  // Per lane: who gets the message, and in which of `wanted`.
  std::vector<std::vector<std::pair<std::shared_ptr<LiveSubscriber>, std::size_t>>> recipients(lane_count);
  std::vector<std::string> wanted;  // the languages asked for, each once
  ChannelLanguages languages;
  {
    std::lock_guard lock(mutex_);
    const auto found = channels_.find(message.channel);
    if (found == channels_.end()) return;
    languages = found->second.languages;
    auto& entries = found->second.entries;
    for (auto& lane : recipients) lane.reserve(entries.size() / lane_count + 1);
    for (auto it = entries.begin(); it != entries.end();) {
      auto subscriber = it->second.subscriber.lock();
      if (!subscriber) {  // its connection is gone
        it = entries.erase(it);
        continue;
      }
      if (!message.delegates_only || it->second.options.delegates) {
        const std::string& language = it->second.options.language;
        const auto known = std::find(wanted.begin(), wanted.end(), language);
        const auto index = static_cast<std::size_t>(known - wanted.begin());
        if (known == wanted.end()) wanted.push_back(language);
        recipients[it->second.lane].emplace_back(std::move(subscriber), index);
      }
      ++it;
    }
  }
  // One frame per language, rendered once, and copied once per lane, so that
  // the I/O threads never count references on the same buffer.
  std::vector<std::string> rendered;
  rendered.reserve(wanted.size());
  for (const auto& language : wanted) rendered.push_back(text_frame(render(message, language, languages)));
  for (std::size_t lane = 0; lane < lane_count; ++lane) {
    if (recipients[lane].empty()) continue;
    auto frames = std::make_shared<Frames>();
    for (const auto& text : rendered) frames->by_language.push_back(std::make_shared<const std::string>(text));
    std::vector<Delivery> deliveries;
    deliveries.reserve(recipients[lane].size());
    for (auto& [subscriber, language] : recipients[lane]) {
      deliveries.emplace_back(std::move(subscriber), &frames->by_language[language]);
    }
    boost::asio::post(lanes_->strand(lane), [this, lane, batch = Batch{message.channel, message.seq, std::move(frames),
                                                                        std::move(deliveries)}]() mutable {
      LaneQueue& queue = queues_[lane];
      queue.batches.push_back(std::move(batch));
      if (!queue.draining) drain(lane);
    });
  }
}

void Hub::drain(std::size_t lane) {
  LaneQueue& queue = queues_[lane];
  queue.draining = true;
  std::size_t budget = kDeliveriesPerTurn;
  while (!queue.batches.empty() && budget > 0) {
    Batch& batch = queue.batches.front();
    for (; batch.next < batch.deliveries.size() && budget > 0; ++batch.next, --budget) {
      auto& [subscriber, frame] = batch.deliveries[batch.next];
      subscriber->deliver(batch.channel, batch.seq, *frame);
      subscriber.reset();  // a connection closed meanwhile is freed now, not with the batch
    }
    if (batch.next == batch.deliveries.size()) queue.batches.pop_front();
  }
  if (queue.batches.empty()) {
    queue.draining = false;
    return;
  }
  // The lane's connections (their reads and answers) get their turn between.
  boost::asio::post(lanes_->strand(lane), [this, lane] { drain(lane); });
}

std::size_t Hub::subscriptions() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, channel] : channels_) count += channel.entries.size();
  return count;
}

}  // namespace plenary::live
