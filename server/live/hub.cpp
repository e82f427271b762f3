#include "live/hub.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "live/frame.hpp"
#include "live/lanes.hpp"
#include "net/send_batch.hpp"

namespace plenary::live {

// One message's frames, one per language, for one lane's deliveries.
struct Hub::Frames {
  std::vector<std::shared_ptr<const std::string>> by_language;  // as in prepare()'s `wanted`
};

// A lane's keep-alive timer, on the lane's strand.
struct Hub::Sweeper {
  explicit Sweeper(const Lanes::Strand& strand) : timer(strand) {}
  boost::asio::steady_timer timer;
};

Hub::Hub(boost::asio::io_context& io, std::size_t io_threads, Options options)
    : options_(options), lanes_(std::make_unique<Lanes>(io, io_threads)), queues_(lanes_->count()) {
  for (std::size_t lane = 0; lane < lanes_->count(); ++lane) {
    shards_.push_back(std::make_unique<Shard>());
    queues_[lane].sends = std::make_unique<net::SendBatch>(options_.io_uring);
    queues_[lane].turn.reserve(kDeliveriesPerTurn);
    queues_[lane].sweeper = std::make_unique<Sweeper>(lanes_->strand(lane));
    schedule_sweep(lane);
  }
}

Hub::~Hub() = default;

void Hub::attach(std::size_t lane, std::weak_ptr<LiveSubscriber> connection) {
  lane %= queues_.size();
  boost::asio::post(lanes_->strand(lane), [this, lane, connection = std::move(connection)]() mutable {
    queues_[lane].connections.push_back(std::move(connection));
  });
}

void Hub::schedule_sweep(std::size_t lane) {
  boost::asio::steady_timer& timer = queues_[lane].sweeper->timer;
  timer.expires_after(options_.sweep);
  timer.async_wait([this, lane](boost::system::error_code error) {
    if (!error) sweep_due(lane);
  });
}

void Hub::sweep_due(std::size_t lane) {
  LaneQueue& queue = queues_[lane];
  if (queue.draining && !queue.sweep_waiting) {
    // drain() sweeps when its last turn is sent; should the fan-out last
    // another whole period, the timer sweeps between its turns.
    queue.sweep_waiting = true;
    return schedule_sweep(lane);
  }
  sweep(lane);
}

void Hub::sweep(std::size_t lane) {
  LaneQueue& queue = queues_[lane];
  queue.sweep_waiting = false;
  const auto now = std::chrono::steady_clock::now();
  auto& connections = queue.connections;
  for (std::size_t i = 0; i < connections.size();) {
    std::shared_ptr<LiveSubscriber> connection = connections[i].lock();
    const LiveSubscriber::Alive alive = connection ? connection->keep_alive(now, *queue.sends) : LiveSubscriber::Alive::gone;
    if (alive == LiveSubscriber::Alive::gone) {
      connections[i] = std::move(connections.back());
      connections.pop_back();
      continue;
    }
    // Pinged: alive until the pings are sent.
    if (alive == LiveSubscriber::Alive::pinged) queue.turn.push_back(std::move(connection));
    ++i;
  }
  queue.flush();
  schedule_sweep(lane);
}

std::string Hub::send_method() const {
  const net::SendBatch& sends = *queues_.front().sends;
  return sends.uses_io_uring() ? "io_uring" : "send(2) (io_uring: " + sends.without_io_uring() + ")";
}

void Hub::subscribe(const ChannelKey& channel, const std::shared_ptr<LiveSubscriber>& subscriber, std::size_t lane,
                    Subscription options, ChannelLanguages languages) {
  Shard& shard = *shards_[lane % shards_.size()];
  std::lock_guard lock(shard.mutex);
  Channel& target = shard.channels[channel];
  target.languages = std::move(languages);
  if (const auto found = target.positions.find(subscriber.get()); found != target.positions.end()) {
    // Again (or a new connection where a dead one was, not yet found out): keeps its place.
    target.entries[found->second] = Entry{subscriber.get(), subscriber, std::move(options)};
    return;
  }
  target.positions.emplace(subscriber.get(), target.entries.size());
  target.entries.push_back(Entry{subscriber.get(), subscriber, std::move(options)});
}

void Hub::unsubscribe(const ChannelKey& channel, const LiveSubscriber* subscriber, std::size_t lane) {
  Shard& shard = *shards_[lane % shards_.size()];
  std::lock_guard lock(shard.mutex);
  const auto found = shard.channels.find(channel);
  if (found == shard.channels.end()) return;
  Channel& target = found->second;
  const auto position = target.positions.find(subscriber);
  if (position == target.positions.end()) return;
  target.remove(position->second);
  if (target.positions.empty()) {
    shard.channels.erase(found);
  } else {
    target.compact_if_sparse();
  }
}

void Hub::Channel::remove(std::size_t position) {
  positions.erase(entries[position].key);
  entries[position] = Entry{};
  ++left;
}

void Hub::Channel::compact_if_sparse() {
  if (2 * left < entries.size()) return;
  std::size_t kept = 0;
  for (Entry& entry : entries) {
    if (entry.key == nullptr) continue;
    positions[entry.key] = kept;
    if (&entries[kept] != &entry) entries[kept] = std::move(entry);
    ++kept;
  }
  entries.resize(kept);
  left = 0;
}

void Hub::publish(std::vector<std::shared_ptr<const LiveMessage>> messages) {
  if (messages.empty()) return;
  const auto shared = std::make_shared<const std::vector<std::shared_ptr<const LiveMessage>>>(std::move(messages));
  for (std::size_t lane = 0; lane < lanes_->count(); ++lane) {
    boost::asio::post(lanes_->strand(lane), [this, lane, shared] {
      LaneQueue& queue = queues_[lane];
      for (const auto& message : *shared) {
        if (std::optional<Batch> batch = prepare(lane, *message)) queue.batches.push_back(std::move(*batch));
      }
      if (!queue.draining && !queue.batches.empty()) drain(lane);
    });
  }
}

std::optional<Hub::Batch> Hub::prepare(std::size_t lane, const LiveMessage& message) {
  // Who gets the message, and in which of `wanted`; copied under the lock.
  std::vector<std::pair<std::shared_ptr<LiveSubscriber>, std::size_t>> recipients;
  std::vector<std::string> wanted;  // the languages asked for, each once
  ChannelLanguages languages;
  {
    Shard& shard = *shards_[lane];
    std::lock_guard lock(shard.mutex);
    const auto found = shard.channels.find(message.channel);
    if (found == shard.channels.end()) return std::nullopt;
    Channel& channel = found->second;
    languages = channel.languages;
    recipients.reserve(channel.entries.size() - channel.left);
    for (std::size_t i = 0; i < channel.entries.size(); ++i) {
      Entry& entry = channel.entries[i];
      if (entry.key == nullptr) continue;
      auto subscriber = entry.subscriber.lock();
      if (!subscriber) {  // its connection is gone
        channel.remove(i);
        continue;
      }
      if (!message.delegates_only || entry.options.delegates) {
        const std::string& language = entry.options.language;
        const auto known = std::find(wanted.begin(), wanted.end(), language);
        const auto index = static_cast<std::size_t>(known - wanted.begin());
        if (known == wanted.end()) wanted.push_back(language);
        recipients.emplace_back(std::move(subscriber), index);
      }
    }
    if (channel.positions.empty()) {
      shard.channels.erase(found);
    } else {
      channel.compact_if_sparse();
    }
  }
  if (recipients.empty()) return std::nullopt;
  // One frame per language, shared by this lane's recipients of it.
  auto frames = std::make_shared<Frames>();
  for (const auto& language : wanted) {
    frames->by_language.push_back(std::make_shared<const std::string>(text_frame(render(message, language, languages))));
  }
  Batch batch{message.channel, message.seq, frames, {}};
  batch.deliveries.reserve(recipients.size());
  for (auto& [subscriber, language] : recipients) {
    batch.deliveries.emplace_back(std::move(subscriber), &frames->by_language[language]);
  }
  return batch;
}

void Hub::LaneQueue::flush() {
  sends->flush();
  turn.clear();
}

void Hub::drain(std::size_t lane) {
  LaneQueue& queue = queues_[lane];
  queue.draining = true;
  std::size_t budget = kDeliveriesPerTurn;
  while (!queue.batches.empty() && budget > 0) {
    Batch& batch = queue.batches.front();
    for (; batch.next < batch.deliveries.size() && budget > 0; ++batch.next, --budget) {
      auto& [subscriber, frame] = batch.deliveries[batch.next];
      subscriber->deliver(batch.channel, batch.seq, *frame, *queue.sends);
      // Kept for the flush, then let go: a connection closed meanwhile is
      // freed after this turn, not with the batch.
      queue.turn.push_back(std::move(subscriber));
    }
    if (batch.next == batch.deliveries.size()) queue.batches.pop_front();
  }
  queue.flush();
  if (queue.batches.empty()) {
    queue.draining = false;
    if (queue.sweep_waiting) sweep(lane);  // reschedules the timer, cancelling its wait
    return;
  }
  // The lane's connections (their reads and answers) get their turn between.
  boost::asio::post(lanes_->strand(lane), [this, lane] { drain(lane); });
}

std::size_t Hub::subscriptions() const {
  std::size_t count = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    for (const auto& [key, channel] : shard->channels) count += channel.positions.size();
  }
  return count;
}

}  // namespace plenary::live
