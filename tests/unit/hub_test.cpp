#include "live/hub.hpp"

#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

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
