#include "net/frame_queue.hpp"

#include <algorithm>
#include <iterator>

namespace plenary::net {

void FrameQueue::pop_front() {
  frames_[head_].reset();
  ++head_;
  // Emptied: start again at the front. A long backlog being worked off:
  // the sent half goes, so the vector does not only grow.
  if (empty() || (head_ >= kKeptRoom && 2 * head_ >= frames_.size())) compact();
}

void FrameQueue::keep_oldest(std::size_t count) {
  const auto keep = static_cast<std::ptrdiff_t>(head_ + std::min(count, size()));
  frames_.erase(std::next(frames_.begin(), keep), frames_.end());
  compact();
}

void FrameQueue::compact() {
  frames_.erase(frames_.begin(), std::next(frames_.begin(), static_cast<std::ptrdiff_t>(head_)));
  head_ = 0;
  if (frames_.empty() && frames_.capacity() > kKeptRoom) {
    frames_.shrink_to_fit();
  }
}

}  // namespace plenary::net
