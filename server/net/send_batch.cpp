#include "net/send_batch.hpp"

#include <liburing.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace plenary::net {

namespace {

constexpr ssize_t kPending = -0x7fff;        // no completion yet (no errno is this large)
constexpr std::uint64_t kCancelTag = ~0ull;  // user_data of our cancel requests
constexpr int kSendFlags = MSG_DONTWAIT | MSG_NOSIGNAL;

}  // namespace

ssize_t send_now(int fd, const char* data, std::size_t size) {
  for (;;) {
    const ssize_t sent = ::send(fd, data, size, kSendFlags);
    if (sent >= 0) return sent;
    if (errno != EINTR) return -errno;
  }
}

// The kernel's rings; set up once, torn down with the batch.
struct SendBatch::Ring {
  io_uring ring{};
  bool set_up = false;
  ~Ring() {
    if (set_up) io_uring_queue_exit(&ring);
  }
};

SendBatch::SendBatch(bool io_uring) {
  entries_.reserve(kCapacity);
  if (!io_uring) {
    why_not_ = "turned off";
    return;
  }
  auto ring = std::make_unique<Ring>();
  // Room for a whole batch and as many cancellations; completions twice that.
  if (const int error = io_uring_queue_init(2 * kCapacity, &ring->ring, 0); error < 0) {
    why_not_ = std::string("io_uring_queue_init: ") + std::strerror(-error);
    return;
  }
  ring->set_up = true;
  ring_ = std::move(ring);
}

SendBatch::~SendBatch() = default;

void SendBatch::add(int fd, const char* data, std::size_t size, Sender& sender) {
  if (entries_.size() == kCapacity) flush();
  entries_.push_back(Entry{fd, data, size, &sender, kPending});
}

void SendBatch::flush() {
  if (entries_.empty()) return;
  if (ring_) {
    send_through_ring();
  } else {
    send_each();
  }
  for (const Entry& entry : entries_) entry.sender->sent(entry.result);
  entries_.clear();
}

void SendBatch::send_each() {
  for (Entry& entry : entries_) {
    if (entry.result == kPending) entry.result = send_now(entry.fd, entry.data, entry.size);
  }
}

void SendBatch::send_through_ring() {
  io_uring& ring = ring_->ring;
  const auto count = static_cast<unsigned>(entries_.size());
  for (unsigned i = 0; i < count; ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);  // the rings hold two batches: never full here
    io_uring_prep_send(sqe, entries_[i].fd, entries_[i].data, entries_[i].size, kSendFlags);
    io_uring_sqe_set_data64(sqe, i);
  }
  unsigned submitted = 0;
  int error = 0;
  while (submitted < count) {
    const int result = io_uring_submit(&ring);
    if (result == -EINTR) continue;
    if (result <= 0) {
      error = result < 0 ? -result : EIO;
      break;
    }
    submitted += static_cast<unsigned>(result);
  }

  // MSG_DONTWAIT makes the kernel answer each send at once, -EAGAIN when the
  // socket is full, so every completion is normally there when the submit
  // returns. Should one ever wait, it gets a second and is then cancelled:
  // a lane never hangs on one client.
  unsigned completed = 0;
  bool cancelled = false;
  io_uring_cqe* cqes[2 * kCapacity];
  while (completed < submitted) {
    const unsigned ready = io_uring_peek_batch_cqe(&ring, cqes, 2 * kCapacity);
    for (unsigned k = 0; k < ready; ++k) {
      const std::uint64_t index = io_uring_cqe_get_data64(cqes[k]);
      if (index == kCancelTag || index >= count) continue;
      entries_[index].result = cqes[k]->res;
      ++completed;
    }
    io_uring_cq_advance(&ring, ready);
    if (completed == submitted || ready > 0) continue;
    __kernel_timespec wait{1, 0};
    io_uring_cqe* cqe = nullptr;
    const int waited = io_uring_wait_cqe_timeout(&ring, &cqe, &wait);
    if (waited != -ETIME || cancelled) continue;
    cancelled = true;
    for (unsigned i = 0; i < submitted; ++i) {
      if (entries_[i].result != kPending) continue;
      io_uring_sqe* sqe = io_uring_get_sqe(&ring);
      io_uring_prep_cancel64(sqe, i, 0);
      io_uring_sqe_set_data64(sqe, kCancelTag);
    }
    io_uring_submit(&ring);
  }
  for (Entry& entry : entries_) {
    if (entry.result == -ECANCELED) entry.result = -EAGAIN;  // nothing was sent: wait for the socket
  }

  if (error != 0) {
    // The ring cannot take work (it never could not, but if so): what it did
    // not take goes out with send(2), and so does every batch from now on.
    why_not_ = std::string("io_uring_submit: ") + std::strerror(error);
    ring_.reset();
    send_each();
  }
}

}  // namespace plenary::net
