#include "streaming/availability.hpp"

#include <mutex>

#include "streaming/gst_handle.hpp"

namespace plenary::streaming {
namespace {

struct InitResult {
  bool ok = false;
  std::string error;
};

// gst_init_check may only usefully run once; its answer holds for the process.
const InitResult& init_once() {
  static std::once_flag once;
  static InitResult result;
  std::call_once(once, [] {
    GError* raw = nullptr;
    result.ok = gst_init_check(nullptr, nullptr, &raw) != FALSE;
    GlibError error{raw};
    if (!result.ok) result.error = error ? error->message : "gst_init_check failed";
  });
  return result;
}

}  // namespace

std::string Availability::summary() const {
  if (!initialised) return "streaming unavailable: GStreamer did not initialise: " + init_error;
  if (missing.empty()) return "streaming available: " + version;
  std::string line = "streaming unavailable: " + version + " lacks element(s)";
  for (const auto& name : missing) line += " " + name;
  line += " (Debian: gstreamer1.0-plugins-base/-good/-bad/-ugly, gstreamer1.0-libav, gstreamer1.0-x)";
  return line;
}

Availability check_availability(std::span<const std::string_view> factories) {
  Availability result;
  const InitResult& init = init_once();
  result.initialised = init.ok;
  result.init_error = init.error;
  if (!init.ok) return result;
  result.version = take_string(gst_version_string());
  for (std::string_view name : factories) {
    const std::string owned{name};
    GstHandle<GstElementFactory> factory{adopt, gst_element_factory_find(owned.c_str())};
    if (!factory) result.missing.push_back(owned);
  }
  return result;
}

}  // namespace plenary::streaming
