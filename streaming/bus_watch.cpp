#include "streaming/bus_watch.hpp"

#include <boost/asio/post.hpp>
#include <stdexcept>
#include <utility>

namespace plenary::streaming {

BusWatch::BusWatch(Strand strand, BusHandle bus, Handler handler)
    : strand_{std::move(strand)}, bus_{std::move(bus)}, handler_{std::move(handler)}, descriptor_{strand_} {
  GPollFD poll_fd{};
  gst_bus_get_pollfd(bus_.get(), &poll_fd);
  if (poll_fd.fd < 0) throw std::runtime_error("GstBus has no poll fd");
  descriptor_.assign(poll_fd.fd);
}

BusWatch::~BusWatch() {
  // The fd is GStreamer's: take it back from Asio without closing it.
  if (descriptor_.is_open()) (void)descriptor_.release();
}

std::shared_ptr<BusWatch> BusWatch::start(Strand strand, BusHandle bus, Handler handler) {
  std::shared_ptr<BusWatch> watch{new BusWatch(std::move(strand), std::move(bus), std::move(handler))};
  boost::asio::post(watch->strand_, [watch] {
    watch->do_wait();
    // Messages posted before the wait was armed raised their edge already.
    watch->drain();
  });
  return watch;
}

void BusWatch::stop() {
  boost::asio::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    self->stopped_ = true;
    self->handler_ = nullptr;
    if (self->descriptor_.is_open()) {
      self->descriptor_.cancel();
      (void)self->descriptor_.release();
    }
  });
}

void BusWatch::do_wait() {
  descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
}

void BusWatch::on_readable(const boost::system::error_code& ec) {
  if (stopped_ || ec == boost::asio::error::operation_aborted) return;
  if (ec) return;  // the descriptor is gone; nothing more will arrive
  // Re-arm before draining, not after. Asio registers the fd edge-triggered and
  // GstBus only writes its wake-up byte when its queue goes from empty to
  // non-empty: a message posted between "drained" and "armed" would otherwise
  // raise its one edge with no wait pending and sit in the queue unseen.
  do_wait();
  drain();
}

void BusWatch::drain() {
  while (!stopped_) {
    MessageHandle message{adopt, gst_bus_pop(bus_.get())};
    if (!message) return;
    if (handler_) handler_(message.get());
  }
}

}  // namespace plenary::streaming
