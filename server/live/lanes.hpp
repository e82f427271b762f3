#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace plenary::live {

// The I/O threads' lanes: one strand of the io_context per I/O thread. A
// live connection is placed on one lane for its whole life (its socket's
// executor is the lane's strand), as with one event loop per core: the hub
// hands a message to each lane, which finds its own subscribers and writes
// to them directly, in turns, with no hop to a strand per connection, while
// the other lane does the same on the other I/O thread. Every handler of a live
// connection is short (subscriptions are resolved on the worker pool), so
// connections sharing a lane do not hold each other up.
// Thread-safety: next() may be called from any thread; the rest is const.
class Lanes {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  Lanes(boost::asio::io_context& io, std::size_t count) {
    for (std::size_t i = 0; i < (count == 0 ? 1 : count); ++i) strands_.push_back(boost::asio::make_strand(io));
  }

  std::size_t count() const { return strands_.size(); }
  // The lane for a new connection: each in turn.
  std::size_t next() { return next_.fetch_add(1, std::memory_order_relaxed) % strands_.size(); }
  const Strand& strand(std::size_t lane) const { return strands_.at(lane); }

 private:
  std::vector<Strand> strands_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace plenary::live
