#include "streaming/gst_pipeline.hpp"

#include <stdexcept>
#include <utility>

namespace plenary::streaming {

ElementHandle make_element(const char* factory, const std::string& name) {
  // Elements are born floating; sinking makes the reference ours, and a bin
  // that adds it later takes a reference of its own.
  ElementHandle element{ref_sink, gst_element_factory_make(factory, name.empty() ? nullptr : name.c_str())};
  if (!element) throw std::runtime_error(std::string{"GStreamer element missing: "} + factory);
  return element;
}

Pipeline::Pipeline(const std::string& name) : pipeline_{ref_sink, gst_pipeline_new(name.c_str())} {
  if (!pipeline_) throw std::runtime_error("gst_pipeline_new failed");
}

Pipeline::Pipeline(ElementHandle pipeline) : pipeline_{std::move(pipeline)} {
  if (!pipeline_ || !GST_IS_PIPELINE(pipeline_.get())) throw std::invalid_argument("not a GstPipeline");
}

Pipeline& Pipeline::operator=(Pipeline&& other) noexcept {
  if (this != &other) {
    reset();
    pipeline_ = std::move(other.pipeline_);
  }
  return *this;
}

Pipeline::~Pipeline() { reset(); }

BusHandle Pipeline::bus() const { return BusHandle{adopt, gst_element_get_bus(pipeline_.get())}; }

void Pipeline::add(const ElementHandle& element) const {
  if (!gst_bin_add(bin(), element.get())) throw std::runtime_error("gst_bin_add failed");
}

ElementHandle Pipeline::child(const char* name) const {
  return ElementHandle{adopt, gst_bin_get_by_name(bin(), name)};
}

GstStateChangeReturn Pipeline::set_state(GstState state) const {
  return gst_element_set_state(pipeline_.get(), state);
}

void Pipeline::reset() noexcept {
  if (!pipeline_) return;
  gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
  pipeline_.reset();
}

BusProblem read_problem(GstMessage* message) {
  GError* raw_error = nullptr;
  gchar* raw_debug = nullptr;
  const bool is_error = GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR;
  if (is_error) {
    gst_message_parse_error(message, &raw_error, &raw_debug);
  } else {
    gst_message_parse_warning(message, &raw_error, &raw_debug);
  }
  GlibError error{raw_error};
  BusProblem problem;
  problem.source = GST_MESSAGE_SRC_NAME(message) ? GST_MESSAGE_SRC_NAME(message) : "?";
  problem.message = error ? error->message : (is_error ? "error" : "warning");
  problem.debug = take_string(raw_debug);
  return problem;
}

}  // namespace plenary::streaming
