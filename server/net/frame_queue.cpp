#include "net/frame_queue.hpp"

#include <algorithm>
#include <iterator>

namespace plenary::net {

void FrameQueue::push_back(Frame frame) {
  if (!oldest_) {
    oldest_ = std::move(frame);
  } else {
    rest_.push_back(std::move(frame));
  }
}

void FrameQueue::pop_front() {
  if (head_ == rest_.size()) {
    oldest_.reset();
    return;
  }
  oldest_ = std::move(rest_[head_]);
  ++head_;
  // Emptied: start again at the front. A long backlog being worked off:
  // the sent half goes, so the vector does not only grow.
  if (head_ == rest_.size() || (head_ >= kKeptRoom && 2 * head_ >= rest_.size())) compact();
}

void FrameQueue::keep_oldest(std::size_t count) {
  if (count == 0) oldest_.reset();
  const std::size_t kept = head_ + std::min(count == 0 ? 0 : count - 1, rest_.size() - head_);
  rest_.erase(std::next(rest_.begin(), static_cast<std::ptrdiff_t>(kept)), rest_.end());
  compact();
}

void FrameQueue::compact() {
  rest_.erase(rest_.begin(), std::next(rest_.begin(), static_cast<std::ptrdiff_t>(head_)));
  head_ = 0;
  if (rest_.empty() && rest_.capacity() > kKeptRoom) rest_.shrink_to_fit();
}

}  // namespace plenary::net
