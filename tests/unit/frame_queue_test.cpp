#include "net/frame_queue.hpp"

#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

using plenary::net::FrameQueue;

namespace {

FrameQueue::Frame frame(int n) { return std::make_shared<const std::string>(std::to_string(n)); }

// What the queue holds, oldest first (it is emptied).
std::vector<std::string> drained(FrameQueue& queue) {
  std::vector<std::string> out;
  while (!queue.empty()) {
    out.push_back(*queue.front());
    queue.pop_front();
  }
  return out;
}

std::vector<std::string> numbers(int from, int to) {
  std::vector<std::string> out;
  for (int n = from; n < to; ++n) out.push_back(std::to_string(n));
  return out;
}

}  // namespace

TEST_CASE("a phone's unsent frames go out oldest first, through a backlog and its catching up") {
  FrameQueue queue;
  CHECK(queue.empty());
  // The usual turn: one frame queued, then sent.
  for (int n = 0; n < 3; ++n) {
    queue.push_back(frame(n));
    CHECK(queue.size() == 1);
    CHECK(*queue.front() == std::to_string(n));
    queue.pop_front();
    CHECK(queue.empty());
  }
  // A backlog of 100, worked off while more arrive (the sent part is squeezed out on the way).
  for (int n = 0; n < 100; ++n) queue.push_back(frame(n));
  for (int n = 0; n < 70; ++n) {
    CHECK(*queue.front() == std::to_string(n));
    queue.pop_front();
  }
  for (int n = 100; n < 110; ++n) queue.push_back(frame(n));
  CHECK(queue.size() == 40);
  CHECK(drained(queue) == numbers(70, 110));
  // Given up on (the phone is closed): only the frame already started is kept.
  for (int n = 0; n < 5; ++n) queue.push_back(frame(n));
  queue.pop_front();
  queue.keep_oldest(1);
  CHECK(drained(queue) == numbers(1, 2));
  for (int n = 0; n < 5; ++n) queue.push_back(frame(n));
  queue.clear();
  CHECK(queue.empty());
  queue.push_back(frame(7));
  CHECK(drained(queue) == numbers(7, 8));
}
