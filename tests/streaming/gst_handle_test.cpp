#include "streaming/gst_handle.hpp"

#include <doctest/doctest.h>

#include "streaming/availability.hpp"
#include "streaming/gst_pipeline.hpp"

using namespace plenary::streaming;

namespace {
int refcount(gpointer object) { return static_cast<int>(GST_OBJECT_REFCOUNT_VALUE(object)); }
}  // namespace

TEST_CASE("each way of acquiring a reference leaves the count GStreamer expects") {
  REQUIRE(check_availability().initialised);

  SUBCASE("a new element is sunk, not referenced twice") {
    ElementHandle element{ref_sink, gst_element_factory_make("queue", nullptr)};
    REQUIRE(element);
    CHECK_FALSE(g_object_is_floating(element.get()));
    CHECK(refcount(element.get()) == 1);
    {
      ElementHandle borrowed{take_ref, element.get()};
      CHECK(refcount(element.get()) == 2);
      ElementHandle copy = borrowed;
      CHECK(refcount(element.get()) == 3);
      ElementHandle moved = std::move(copy);
      CHECK(refcount(element.get()) == 3);
      CHECK_FALSE(copy);
    }
    CHECK(refcount(element.get()) == 1);
  }

  SUBCASE("an adopted reference is not counted again") {
    ElementHandle pipeline{ref_sink, gst_pipeline_new("p")};
    {
      BusHandle bus{adopt, gst_element_get_bus(pipeline.get())};
      const int with_ours = refcount(bus.get());
      BusHandle second{adopt, gst_element_get_bus(pipeline.get())};
      CHECK(refcount(bus.get()) == with_ours + 1);
    }
  }

  SUBCASE("mini objects are adopted or referenced, never sunk") {
    CapsHandle caps{adopt, gst_caps_new_empty_simple("video/x-h264")};
    CHECK(GST_MINI_OBJECT_REFCOUNT_VALUE(caps.get()) == 1);
    CapsHandle second{take_ref, caps.get()};
    CHECK(GST_MINI_OBJECT_REFCOUNT_VALUE(caps.get()) == 2);
    second.reset();
    CHECK(GST_MINI_OBJECT_REFCOUNT_VALUE(caps.get()) == 1);
  }

  SUBCASE("a bin holds its own reference beside ours") {
    ElementHandle bin{ref_sink, gst_bin_new("b")};
    ElementHandle child = make_element("queue", "q");
    REQUIRE(gst_bin_add(GST_BIN(bin.get()), child.get()));
    CHECK(refcount(child.get()) == 2);
    bin.reset();
    CHECK(refcount(child.get()) == 1);
  }
}

TEST_CASE("a pipeline dropped while playing is set to NULL before its last reference goes") {
  REQUIRE(check_availability().initialised);
  ElementHandle source;
  {
    Pipeline pipeline{"drop-while-playing"};
    source = make_element("videotestsrc", "src");
    g_object_set(source.get(), "is-live", TRUE, nullptr);
    auto sink = make_element("fakesink", "sink");
    pipeline.add(source);
    pipeline.add(sink);
    REQUIRE(gst_element_link(source.get(), sink.get()));
    REQUIRE(pipeline.set_state(GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    GstState state = GST_STATE_VOID_PENDING;
    gst_element_get_state(pipeline.element(), &state, nullptr, 5 * GST_SECOND);
    CHECK(state == GST_STATE_PLAYING);
  }
  // Our handle kept the source alive: it must have been stopped, not left streaming.
  CHECK(GST_STATE(source.get()) == GST_STATE_NULL);
  CHECK(refcount(source.get()) == 1);
}

TEST_CASE("making an element from a missing factory names the factory") {
  REQUIRE(check_availability().initialised);
  CHECK_THROWS_WITH(make_element("plenary-no-such-element"), doctest::Contains("plenary-no-such-element"));
}
