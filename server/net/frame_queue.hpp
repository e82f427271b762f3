#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace plenary::net {

// The frames a live connection has not sent yet, oldest first. The oldest
// is held in the queue itself, the rest in a vector read from an index: the
// usual turn (one frame queued, then sent whole) touches no other memory,
// and an idle connection holds no allocation at all (a std::deque keeps an
// index and a 512-byte block). Room taken by a backlog is given back once
// the connection catches up.
// Not thread-safe: used on its connection's strand.
class FrameQueue {
 public:
  using Frame = std::shared_ptr<const std::string>;

  bool empty() const { return !oldest_; }
  std::size_t size() const { return oldest_ ? 1 + rest_.size() - head_ : 0; }
  const Frame& front() const { return oldest_; }

  void push_back(Frame frame);
  void pop_front();
  // Keeps the oldest `count` frames and forgets the rest.
  void keep_oldest(std::size_t count);
  void clear() { keep_oldest(0); }

 private:
  // A backlog's room above this is given back when it is gone.
  static constexpr std::size_t kKeptRoom = 16;

  // Drops the frames before head_ from rest_.
  void compact();

  Frame oldest_;
  std::vector<Frame> rest_;  // after oldest_, from rest_[head_] on
  std::size_t head_ = 0;
};

}  // namespace plenary::net
