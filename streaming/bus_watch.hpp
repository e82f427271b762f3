#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>

#include "streaming/gst_handle.hpp"

namespace plenary::streaming {

using Strand = boost::asio::strand<boost::asio::any_io_executor>;

// Brings one GstBus into Asio: waits for the bus's poll fd to become readable
// through a posix::stream_descriptor, then pops every queued message and hands
// each to the handler, on the strand. No GLib main loop is involved, and no
// GStreamer thread ever touches an Asio object: they only post to the bus.
//
// Owns a reference to the bus and a descriptor over a fd that belongs to the
// bus: the fd is released, never closed, by us.
// Thread: every member function and the handler run on `strand`; create() and
// stop() may be called from any thread (they post). Held by shared_ptr so a
// pending wait keeps the watch alive until it completes.
class BusWatch : public std::enable_shared_from_this<BusWatch> {
 public:
  // The message is borrowed for the duration of the call.
  using Handler = std::function<void(GstMessage*)>;

  static std::shared_ptr<BusWatch> start(Strand strand, BusHandle bus, Handler handler);
  ~BusWatch();
  BusWatch(const BusWatch&) = delete;
  BusWatch& operator=(const BusWatch&) = delete;

  // Stops dispatching; messages still queued are dropped. Idempotent.
  void stop();

 private:
  BusWatch(Strand strand, BusHandle bus, Handler handler);
  void do_wait();
  void on_readable(const boost::system::error_code& ec);
  void drain();

  Strand strand_;
  BusHandle bus_;
  Handler handler_;
  boost::asio::posix::stream_descriptor descriptor_;
  bool stopped_ = false;
};

}  // namespace plenary::streaming
