#include "live/hub.hpp"

#include <algorithm>
#include <cstdint>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "live/frame.hpp"

namespace plenary::live {

// One message's frames, one per language, for one lane's deliveries.
struct Hub::Frames {
  std::map<std::string, std::shared_ptr<const std::string>> by_language;
};

struct Hub::Lanes {
  std::vector<boost::asio::strand<boost::asio::io_context::executor_type>> strands;
};

Hub::Hub() = default;

Hub::Hub(boost::asio::io_context& io, std::size_t lanes) : lanes_(std::make_unique<Lanes>()) {
  for (std::size_t i = 0; i < std::max<std::size_t>(lanes, 1); ++i) {
    lanes_->strands.push_back(boost::asio::make_strand(io.get_executor()));
  }
}

Hub::~Hub() = default;

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
  // One frame per language, shared by every recipient that asked for it:
  // rendered once, and copied once per lane, so that the two I/O threads
  // never count references on the same buffer.
  std::map<std::string, std::string> rendered;
  const std::size_t lane_count = lanes_ ? lanes_->strands.size() : 1;
  std::vector<std::shared_ptr<Frames>> lane_frames(lane_count);
  std::vector<std::vector<Delivery>> by_lane(lane_count);
  for (auto& lane : by_lane) lane.reserve(recipients.size() / lane_count + 1);
  for (auto& [subscriber, options] : recipients) {
    // Heap addresses are aligned: mix them before taking the remainder.
    const auto address = reinterpret_cast<std::uintptr_t>(subscriber.get());
    const std::size_t lane = ((address * 0x9E3779B97F4A7C15ull) >> 32) % lane_count;
    auto& frames = lane_frames[lane];
    if (!frames) frames = std::make_shared<Frames>();
    auto& frame = frames->by_language[options.language];
    if (!frame) {
      auto& text = rendered[options.language];
      if (text.empty()) text = text_frame(render(message, options.language, languages));
      frame = std::make_shared<const std::string>(text);
    }
    by_lane[lane].emplace_back(std::move(subscriber), &frame);
  }
  if (!lanes_) return deliver_all(message.channel, message.seq, by_lane.front());
  for (std::size_t lane = 0; lane < lane_count; ++lane) {
    if (by_lane[lane].empty()) continue;
    boost::asio::post(lanes_->strands[lane],
                      [channel = message.channel, seq = message.seq, frames = std::move(lane_frames[lane]),
                       deliveries = std::move(by_lane[lane])] { deliver_all(channel, seq, deliveries); });
  }
}

void Hub::deliver_all(const ChannelKey& channel, std::int64_t seq, const std::vector<Delivery>& deliveries) {
  for (const auto& [subscriber, frame] : deliveries) subscriber->deliver(channel, seq, *frame);
}

std::size_t Hub::subscriptions() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [key, channel] : channels_) count += channel.entries.size();
  return count;
}

}  // namespace plenary::live
