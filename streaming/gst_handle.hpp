#pragma once

// Owning handles for GStreamer and GLib references.
//
// GStreamer hands out references in three ways, and mixing them up either
// leaks or double-frees: "transfer full" (the reference is ours), "transfer
// none" (borrowed; add our own if we keep it), and "floating" (new objects
// such as elements, which the first owner must sink). So no handle can be made
// from a raw pointer without saying which one it is:
//
//   ElementHandle e{ref_sink, gst_element_factory_make("queue", nullptr)};
//   BusHandle bus{adopt, gst_element_get_bus(pipeline)};
//   PadHandle pad{take_ref, borrowed_pad};

#include <gst/gst.h>

#include <memory>
#include <string>
#include <utility>

namespace plenary::streaming {

// We own the reference we were given (transfer full, not floating).
struct AdoptRef {
  explicit AdoptRef() = default;
};
// The pointer is borrowed (transfer none): the handle adds its own reference.
struct TakeRef {
  explicit TakeRef() = default;
};
// A new object that may carry a floating reference: sink it so it is ours.
// On an object that is not floating this adds a reference, like TakeRef.
struct RefSink {
  explicit RefSink() = default;
};
inline constexpr AdoptRef adopt{};
inline constexpr TakeRef take_ref{};
inline constexpr RefSink ref_sink{};

// How to count references on each C type. GstObject descendants and plain
// GObjects can be floating; mini objects (caps, messages, events) never are.
template <typename T>
struct GstObjectRefs {
  static void ref(T* p) { gst_object_ref(p); }
  static void unref(T* p) { gst_object_unref(p); }
  static void sink(T* p) { gst_object_ref_sink(p); }
  static constexpr bool can_float = true;
};
template <typename T>
struct GObjectRefs {
  static void ref(T* p) { g_object_ref(p); }
  static void unref(T* p) { g_object_unref(p); }
  static void sink(T* p) { g_object_ref_sink(p); }
  static constexpr bool can_float = true;
};

template <typename T>
struct RefTraits;  // deliberately undefined: a new type needs a line below
template <> struct RefTraits<GstElement> : GstObjectRefs<GstElement> {};
template <> struct RefTraits<GstBus> : GstObjectRefs<GstBus> {};
template <> struct RefTraits<GstPad> : GstObjectRefs<GstPad> {};
template <> struct RefTraits<GstElementFactory> : GstObjectRefs<GstElementFactory> {};
template <> struct RefTraits<GstStream> : GstObjectRefs<GstStream> {};
template <> struct RefTraits<GstStreamCollection> : GstObjectRefs<GstStreamCollection> {};

// Mini objects: GStreamer's typed ref/unref are static inline functions, so
// each type spells them out rather than passing them as template arguments.
#define PLENARY_GST_MINI_OBJECT_REFS(Type, prefix)                  \
  template <>                                                       \
  struct RefTraits<Type> {                                          \
    static void ref(Type* p) { prefix##_ref(p); }                   \
    static void unref(Type* p) { prefix##_unref(p); }               \
    static constexpr bool can_float = false;                        \
  };
PLENARY_GST_MINI_OBJECT_REFS(GstCaps, gst_caps)
PLENARY_GST_MINI_OBJECT_REFS(GstMessage, gst_message)
PLENARY_GST_MINI_OBJECT_REFS(GstEvent, gst_event)
PLENARY_GST_MINI_OBJECT_REFS(GstTagList, gst_tag_list)
PLENARY_GST_MINI_OBJECT_REFS(GstSample, gst_sample)
PLENARY_GST_MINI_OBJECT_REFS(GstBuffer, gst_buffer)
#undef PLENARY_GST_MINI_OBJECT_REFS

// Holds one reference to a GStreamer object and drops it on destruction.
// Copying adds a reference; moving transfers it. Thread-safety is that of
// GStreamer's reference counts: a handle may be moved to another thread, one
// handle object is not to be used from two threads at once.
template <typename T>
class GstHandle {
  using Traits = RefTraits<T>;

 public:
  GstHandle() noexcept = default;
  GstHandle(AdoptRef, T* p) noexcept : p_(p) {}
  GstHandle(TakeRef, T* p) noexcept : p_(p) {
    if (p_) Traits::ref(p_);
  }
  GstHandle(RefSink, T* p) noexcept
    requires(Traits::can_float)
      : p_(p) {
    if (p_) Traits::sink(p_);
  }

  GstHandle(const GstHandle& other) noexcept : GstHandle(take_ref, other.p_) {}
  GstHandle(GstHandle&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  GstHandle& operator=(GstHandle other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~GstHandle() { reset(); }

  T* get() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  // Gives our reference away, for the few APIs that take ownership (transfer full).
  [[nodiscard]] T* release() noexcept { return std::exchange(p_, nullptr); }

  void reset() noexcept {
    if (T* p = std::exchange(p_, nullptr)) Traits::unref(p);
  }

 private:
  T* p_ = nullptr;
};

using ElementHandle = GstHandle<GstElement>;
using BusHandle = GstHandle<GstBus>;
using PadHandle = GstHandle<GstPad>;
using CapsHandle = GstHandle<GstCaps>;
using MessageHandle = GstHandle<GstMessage>;
using TagListHandle = GstHandle<GstTagList>;
using SampleHandle = GstHandle<GstSample>;

// GLib strings and errors that we must free (transfer full).
struct GFreeDeleter {
  void operator()(gchar* p) const noexcept { g_free(p); }
};
using GlibString = std::unique_ptr<gchar, GFreeDeleter>;

struct GErrorDeleter {
  void operator()(GError* p) const noexcept { g_error_free(p); }
};
using GlibError = std::unique_ptr<GError, GErrorDeleter>;

struct GstStructureDeleter {
  void operator()(GstStructure* p) const noexcept { gst_structure_free(p); }
};
using StructureHandle = std::unique_ptr<GstStructure, GstStructureDeleter>;

// Copies a GLib string that we own into std::string and frees it.
inline std::string take_string(gchar* owned) {
  GlibString holder{owned};
  return holder ? std::string{holder.get()} : std::string{};
}

}  // namespace plenary::streaming
