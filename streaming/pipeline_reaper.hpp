#pragma once

#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <thread>

#include "streaming/bus_watch.hpp"
#include "streaming/gst_pipeline.hpp"

namespace plenary::streaming {

// Takes pipelines to the NULL state off the Asio threads: setting NULL joins
// GStreamer's streaming threads (and srtsrc's listener thread), which can take
// a while when a peer is slow, and an Asio thread must not wait for that.
// Owns one teardown thread at a time; the destructor joins it.
// Thread: retire() from one owner thread (a strand); `done` is posted to the
// strand given to retire(), never run on the teardown thread.
class PipelineReaper {
 public:
  PipelineReaper() = default;
  PipelineReaper(const PipelineReaper&) = delete;
  PipelineReaper& operator=(const PipelineReaper&) = delete;
  ~PipelineReaper() { join(); }

  // `keep_alive` is released after the pipeline is gone: state that GStreamer
  // callbacks point at must outlive every streaming thread.
  void retire(Pipeline pipeline, std::shared_ptr<void> keep_alive, Strand strand, std::function<void()> done) {
    join();  // the previous teardown, if any, finished long ago or is nearly done
    thread_ = std::thread([pipeline = std::move(pipeline), keep_alive = std::move(keep_alive),
                           strand = std::move(strand), done = std::move(done)]() mutable {
      pipeline.reset();
      keep_alive.reset();
      if (done) boost::asio::post(strand, std::move(done));
    });
  }

 private:
  void join() {
    if (!thread_.joinable()) return;
    // The teardown thread may drop the last reference to this reaper's
    // owner: it cannot join itself, and it is about to end anyway.
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
  std::thread thread_;
};

}  // namespace plenary::streaming
