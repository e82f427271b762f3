#pragma once

#include <string>

#include "streaming/gst_handle.hpp"

namespace plenary::streaming {

// Makes an element from a factory and owns it (the floating reference is
// sunk). Throws std::runtime_error naming the factory when it is missing, so a
// missing plugin reads as such and not as a null pointer later.
ElementHandle make_element(const char* factory, const std::string& name = {});

// What an error or warning message on a bus says: the element that posted
// it, its message and GStreamer's debug detail (empty when there is none).
struct BusProblem {
  std::string source;
  std::string message;
  std::string debug;
};
// `message` must be a GST_MESSAGE_ERROR or GST_MESSAGE_WARNING.
BusProblem read_problem(GstMessage* message);

// Owns one GstPipeline. GStreamer requires a pipeline to be in the NULL state
// before its last reference goes (else streaming threads outlive it), so the
// destructor does that. Setting NULL joins streaming threads and may take tens
// of milliseconds: destroy a Pipeline off the Asio threads (RoomRelay does so
// on its teardown thread). Not thread-safe itself; GStreamer calls on the
// element it holds are.
class Pipeline {
 public:
  // No pipeline yet (or any more).
  Pipeline() noexcept = default;
  // A new, empty pipeline named `name` (for logs and debug dot files).
  explicit Pipeline(const std::string& name);
  // Takes over a pipeline built elsewhere, e.g. by gst_parse_launch.
  explicit Pipeline(ElementHandle pipeline);
  Pipeline(Pipeline&&) noexcept = default;
  Pipeline& operator=(Pipeline&& other) noexcept;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  GstElement* element() const noexcept { return pipeline_.get(); }
  GstBin* bin() const noexcept { return GST_BIN(pipeline_.get()); }
  explicit operator bool() const noexcept { return static_cast<bool>(pipeline_); }

  BusHandle bus() const;
  // Adds an element; the bin takes its own reference, the caller keeps theirs.
  void add(const ElementHandle& element) const;
  // A child by name, or an empty handle.
  ElementHandle child(const char* name) const;

  GstStateChangeReturn set_state(GstState state) const;
  // Sets NULL now (blocking) and drops the pipeline.
  void reset() noexcept;

 private:
  ElementHandle pipeline_;
};

}  // namespace plenary::streaming
