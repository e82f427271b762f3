#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace plenary::net {

// One non-blocking send(2) (MSG_DONTWAIT | MSG_NOSIGNAL, retried on EINTR):
// the bytes sent, or -errno.
ssize_t send_now(int fd, const char* data, std::size_t size);

// Sends to many sockets at once: a lane's turn of a fan-out. Each add()
// names a socket, bytes and who hears how it went; flush() sends them all
// and then calls every SendBatch::Sender::sent() in the order added.
//
// With io_uring (the default where the kernel allows it) flush() is one
// system call for the whole turn instead of one send(2) a recipient: the
// thread stays in the kernel for the turn, so a client woken by its
// message does not preempt the sender once per message, and a woken client
// finds several messages at once. Without io_uring (a kernel or seccomp
// profile that refuses it, or io_uring = false) each entry is one
// non-blocking send(2), as before. Every send is MSG_DONTWAIT: a socket
// whose buffer is full answers -EAGAIN at once and its sender waits for it
// in its own way.
//
// Owns an io_uring instance (its rings) when it has one. Used by one
// thread at a time (the lane's strand); the caller keeps each Sender and
// its bytes alive until flush() has returned.
class SendBatch {
 public:
  class Sender {
   public:
    // The bytes sent (possibly fewer than asked), or -errno. Called from
    // flush(); must not add() to or flush() the batch.
    virtual void sent(ssize_t result) = 0;

   protected:
    virtual ~Sender() = default;
  };

  // Entries a flush sends in one system call; add() flushes when full.
  static constexpr unsigned kCapacity = 256;

  explicit SendBatch(bool io_uring = true);
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  // Whether flushes go through io_uring, and if not, why.
  bool uses_io_uring() const { return ring_ != nullptr; }
  const std::string& without_io_uring() const { return why_not_; }

  void add(int fd, const char* data, std::size_t size, Sender& sender);
  std::size_t size() const { return entries_.size(); }
  void flush();

 private:
  struct Entry {
    int fd;
    const char* data;
    std::size_t size;
    Sender* sender;
    ssize_t result;
  };
  struct Ring;

  void send_each();
  void send_through_ring();

  std::unique_ptr<Ring> ring_;
  std::string why_not_;
  std::vector<Entry> entries_;
};

}  // namespace plenary::net
