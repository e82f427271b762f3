#include "live/hub.hpp"

#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <doctest/doctest.h>

#include "live/lanes.hpp"
#include "net/send_batch.hpp"

using namespace plenary::live;

namespace {

const ChannelKey kChannel{ChannelKey::Kind::event, 1};

// Who got which message, in the order the hub delivered them (on its one lane).
struct Deliveries {
  std::mutex mutex;
  std::vector<std::pair<int, std::int64_t>> got;  // subscriber, seq
  std::size_t expected = 0;
  std::promise<void> all;
};

// A subscriber as the hub sees one: it records what it is handed.
class Recorder : public LiveSubscriber {
 public:
  Recorder(int id, Deliveries& deliveries) : id_(id), deliveries_(deliveries) {}
  void deliver(const ChannelKey&, std::int64_t seq, const std::shared_ptr<const std::string>&,
               plenary::net::SendBatch&) override {
    std::lock_guard lock(deliveries_.mutex);
    deliveries_.got.emplace_back(id_, seq);
    if (deliveries_.got.size() == deliveries_.expected) deliveries_.all.set_value();
  }
  Alive keep_alive(std::chrono::steady_clock::time_point, plenary::net::SendBatch&) override { return Alive::yes; }

 private:
  int id_;
  Deliveries& deliveries_;
};

std::shared_ptr<const LiveMessage> message(std::int64_t seq) {
  return std::make_shared<const LiveMessage>(LiveMessage{
      kChannel, "event:somri-21", seq, "announcement", false, "2024-11-20T09:00:00+07:00",
      std::make_shared<const nlohmann::json>(nlohmann::json{{"text", "Hall B"}})});
}

// One lane on its own thread, for as long as the test runs.
struct OneLane {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
  Hub hub{io, 1, Hub::Options{.io_uring = false}};
  std::thread thread{[this] { io.run(); }};
  ~OneLane() {
    work.reset();
    io.stop();
    thread.join();
  }
};

}  // namespace

TEST_CASE("the hub delivers in the order phones subscribed, and keeps it as phones come and go") {
  OneLane lane;
  Deliveries deliveries;
  std::vector<std::shared_ptr<Recorder>> phones;
  for (int i = 0; i < 100; ++i) {
    phones.push_back(std::make_shared<Recorder>(i, deliveries));
    lane.hub.subscribe(kChannel, phones.back(), 0, {}, {{"en"}, "en"});
  }
  // Two in three leave (more than half: the places left are squeezed out),
  // one goes without a word, and three more arrive.
  std::vector<int> expected;
  for (int i = 0; i < 100; ++i) {
    if (i % 3 != 0) {
      lane.hub.unsubscribe(kChannel, phones[i].get(), 0);
    } else if (i != 42) {
      expected.push_back(i);
    }
  }
  phones[42].reset();
  for (int i = 100; i < 103; ++i) {
    phones.push_back(std::make_shared<Recorder>(i, deliveries));
    lane.hub.subscribe(kChannel, phones.back(), 0, {}, {{"en"}, "en"});
    expected.push_back(i);
  }
  // Subscribing again changes nothing in the order.
  lane.hub.subscribe(kChannel, phones[3], 0, {}, {{"en"}, "en"});
  CHECK(lane.hub.subscriptions() == expected.size() + 1);  // the silent one is found out at the next message

  deliveries.expected = 2 * expected.size();
  auto all = deliveries.all.get_future();
  lane.hub.publish({message(1)});
  lane.hub.publish({message(2)});
  all.get();
  std::vector<int> first;
  std::vector<int> second;
  for (const auto& [phone, seq] : deliveries.got) (seq == 1 ? first : second).push_back(phone);
  CHECK(first == expected);
  CHECK(second == expected);
  CHECK(lane.hub.subscriptions() == expected.size());

  // Everyone leaves: the channel goes too.
  for (const auto& phone : phones) {
    if (phone) lane.hub.unsubscribe(kChannel, phone.get(), 0);
  }
  CHECK(lane.hub.subscriptions() == 0);
}

namespace {

// What one lane did, in order: a delivery (seq > 0) or a keep-alive check (seq 0).
struct LaneLog {
  std::mutex mutex;
  std::vector<std::pair<int, std::int64_t>> events;  // subscriber, seq or 0
  std::size_t deliveries_expected = 0;
  std::size_t delivered = 0;
  std::promise<void> all_delivered;

  // Where the deliveries of the fan-out began and ended, and the keep-alive checks in between.
  std::size_t first_delivery() {
    std::lock_guard lock(mutex);
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].second > 0) return i;
    }
    return events.size();
  }
  std::size_t last_delivery() {
    std::lock_guard lock(mutex);
    for (std::size_t i = events.size(); i-- > 0;) {
      if (events[i].second > 0) return i;
    }
    return 0;
  }
  std::size_t checks_between(std::size_t from, std::size_t to) {
    std::lock_guard lock(mutex);
    std::size_t checks = 0;
    for (std::size_t i = from; i < to && i < events.size(); ++i) checks += events[i].second == 0 ? 1 : 0;
    return checks;
  }
  std::size_t checks() { return checks_between(0, SIZE_MAX); }
};

// A phone whose delivery may hold the lane up until a given time (a fan-out
// still under way when the keep-alive sweep falls due).
class SlowPhone : public LiveSubscriber {
 public:
  SlowPhone(int id, LaneLog& log) : id_(id), log_(log) {}
  std::chrono::steady_clock::duration hold_for{};

  void deliver(const ChannelKey&, std::int64_t seq, const std::shared_ptr<const std::string>&,
               plenary::net::SendBatch&) override {
    if (hold_for.count() > 0) std::this_thread::sleep_for(hold_for);  // a turn's work, not a wait for another thread
    std::lock_guard lock(log_.mutex);
    log_.events.emplace_back(id_, seq);
    if (++log_.delivered == log_.deliveries_expected) log_.all_delivered.set_value();
  }
  Alive keep_alive(std::chrono::steady_clock::time_point, plenary::net::SendBatch&) override {
    std::lock_guard lock(log_.mutex);
    log_.events.emplace_back(id_, 0);
    return Alive::yes;
  }

 private:
  int id_;
  LaneLog& log_;
};

// One lane sweeping every `sweep`, with `count` phones attached and subscribed.
struct SweptLane {
  SweptLane(std::chrono::milliseconds sweep, int count) : hub(io, 1, Hub::Options{.io_uring = false, .sweep = sweep}) {
    for (int i = 0; i < count; ++i) {
      phones.push_back(std::make_shared<SlowPhone>(i, log));
      hub.attach(0, phones.back());
      hub.subscribe(kChannel, phones.back(), 0, {}, {{"en"}, "en"});
    }
  }
  ~SweptLane() {
    work.reset();
    io.stop();
    thread.join();
  }
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
  LaneLog log;
  Hub hub;
  std::vector<std::shared_ptr<SlowPhone>> phones;
  std::thread thread{[this] { io.run(); }};
};

}  // namespace

TEST_CASE("a keep-alive sweep that falls due during a change's fan-out waits for its last delivery") {
  // Four turns of 256; the first delivery holds the lane past the sweep's due time.
  constexpr std::chrono::milliseconds kSweep{100};
  SweptLane lane(kSweep, 1000);
  lane.phones[0]->hold_for = kSweep + kSweep / 2;
  lane.log.deliveries_expected = lane.phones.size();
  auto delivered = lane.log.all_delivered.get_future();
  lane.hub.publish({message(1)});
  delivered.get();

  CHECK(lane.log.checks_between(lane.log.first_delivery(), lane.log.last_delivery()) == 0);
  // The sweep that waited runs right after the last turn, on the lane: once
  // the lane has run a handler posted now, every phone has been checked.
  std::promise<void> lane_done;
  boost::asio::post(lane.hub.lanes().strand(0), [&lane_done] { lane_done.set_value(); });
  lane_done.get_future().get();
  CHECK(lane.log.checks() >= lane.phones.size());
}

TEST_CASE("a lane that is never idle still sweeps, between the turns of a long fan-out") {
  // Eight turns, each holding the lane for more than a sweep period: the
  // sweep waits one period for the fan-out, then goes ahead.
  constexpr std::chrono::milliseconds kSweep{10};
  SweptLane lane(kSweep, 8 * 256);
  for (std::size_t i = 0; i < lane.phones.size(); i += 256) lane.phones[i]->hold_for = kSweep + kSweep / 2;
  lane.log.deliveries_expected = lane.phones.size();
  auto delivered = lane.log.all_delivered.get_future();
  lane.hub.publish({message(1)});
  delivered.get();
  CHECK(lane.log.checks_between(lane.log.first_delivery(), lane.log.last_delivery()) >= lane.phones.size());
}
