#include "streaming/video_variant.hpp"

#include <doctest/doctest.h>

using namespace plenary::streaming;

namespace {

bool same(VideoSize a, VideoSize b) {
  return a.width == b.width && a.height == b.height;
}

}  // namespace

TEST_CASE("the lower-resolution variant keeps the source's display aspect ratio with even sizes") {
  CHECK(same(scaled_video_size(1920, 1080, 1, 1, 360), {640, 360}));
  CHECK(same(scaled_video_size(1280, 720, 1, 1, 360), {640, 360}));
  // 213.3 rounds to the nearest even width.
  CHECK(same(scaled_video_size(320, 180, 1, 1, 120), {214, 120}));
  // An odd height is made even.
  CHECK(same(scaled_video_size(1280, 720, 1, 1, 361), {640, 360}));
  // Anamorphic sources come out with square pixels: PAL 4:3 and HDV 16:9.
  CHECK(same(scaled_video_size(720, 576, 16, 15, 360), {480, 360}));
  CHECK(same(scaled_video_size(1440, 1080, 4, 3, 360), {640, 360}));
  // Portrait video from a phone.
  CHECK(same(scaled_video_size(1080, 1920, 1, 1, 360), {202, 360}));
}

TEST_CASE("the lower-resolution variant never scales up and needs a known source size") {
  CHECK(same(scaled_video_size(320, 180, 1, 1, 360), {320, 180}));
  CHECK(same(scaled_video_size(321, 181, 1, 1, 360), {320, 180}));  // odd source height: one row less
  CHECK(same(scaled_video_size(0, 0, 1, 1, 360), {0, 0}));
  CHECK(same(scaled_video_size(1280, 720, 0, 0, 360), {640, 360}));  // unknown pixel aspect: square
  CHECK(low_video_rendition(360) == "video_360");
}
