#include "streaming/bus_watch.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <future>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "stream_test_support.hpp"
#include "streaming/availability.hpp"

using namespace plenary::streaming;

namespace {

void post_numbered(GstBus* bus, int n) {
  gst_bus_post(bus, gst_message_new_application(nullptr, gst_structure_new("n", "n", G_TYPE_INT, n, nullptr)));
}

}  // namespace

TEST_CASE("bus messages posted from GStreamer's threads reach the handler on the strand, in order, none lost") {
  REQUIRE(check_availability().initialised);
  test::IoThread io;
  auto strand = boost::asio::make_strand(io.executor());
  BusHandle bus{adopt, gst_bus_new()};

  std::mutex mutex;
  std::condition_variable cv;
  std::vector<int> seen;
  bool off_strand = false;
  constexpr int kCount = 2000;

  post_numbered(bus.get(), 0);  // queued before the watch exists
  auto watch = BusWatch::start(strand, bus, [&](GstMessage* message) {
    int n = -1;
    gst_structure_get_int(gst_message_get_structure(message), "n", &n);
    std::lock_guard lock{mutex};
    off_strand = off_strand || !strand.running_in_this_thread();
    seen.push_back(n);
    cv.notify_all();
  });
  // Bursts with pauses, so the queue empties and refills: the edge case for
  // an edge-triggered wait.
  std::thread poster{[&] {
    for (int n = 1; n < kCount; ++n) {
      post_numbered(bus.get(), n);
      if (n % 100 == 0) std::this_thread::yield();
    }
  }};
  poster.join();
  {
    std::unique_lock lock{mutex};
    REQUIRE(cv.wait_for(lock, std::chrono::seconds{10}, [&] { return seen.size() == kCount; }));
    for (int n = 0; n < kCount; ++n) REQUIRE(seen[static_cast<std::size_t>(n)] == n);
    CHECK_FALSE(off_strand);
  }

  // The one message posted after a quiet spell still arrives (no lost edge).
  post_numbered(bus.get(), kCount);
  {
    std::unique_lock lock{mutex};
    CHECK(cv.wait_for(lock, std::chrono::seconds{5}, [&] { return seen.size() == kCount + 1; }));
  }

  GPollFD poll_fd{};
  gst_bus_get_pollfd(bus.get(), &poll_fd);
  watch->stop();
  watch.reset();
  // Wait until the strand has run stop() and dropped the watch; then the fd must still be GStreamer's.
  std::promise<void> drained;
  boost::asio::post(strand, [&] { drained.set_value(); });
  drained.get_future().wait();
  CHECK(fcntl(poll_fd.fd, F_GETFD) != -1);
  post_numbered(bus.get(), kCount + 1);
  MessageHandle still_queued{adopt, gst_bus_pop(bus.get())};
  CHECK(still_queued);
}
