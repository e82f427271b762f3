#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace plenary::net {

// The frames a live connection has not sent yet, oldest first. A vector
// read from an index: the usual turn (one frame queued, then sent whole)
// reuses the room of the first frame ever queued, and an idle connection
// holds 16 bytes, not a deque's index and block (576 bytes in libstdc++).
// Room taken by a backlog is given back once the connection catches up.
// Not thread-safe: used on its connection's strand.
class FrameQueue {
 public:
  using Frame = std::shared_ptr<const std::string>;

  bool empty() const { return head_ == frames_.size(); }
  std::size_t size() const { return frames_.size() - head_; }
  const Frame& front() const { return frames_[head_]; }

  void push_back(Frame frame) { frames_.push_back(std::move(frame)); }
  void pop_front();
  // Keeps the oldest `count` frames and forgets the rest.
  void keep_oldest(std::size_t count);
  void clear() { keep_oldest(0); }

 private:
  // A backlog's room above this is given back when it is gone.
  static constexpr std::size_t kKeptRoom = 16;

  void compact();

  std::vector<Frame> frames_;
  std::size_t head_ = 0;  // frames_[head_] is the oldest
};

}  // namespace plenary::net
