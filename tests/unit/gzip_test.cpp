#include "http/gzip.hpp"

#include <doctest/doctest.h>

using namespace plenary::http;

TEST_CASE("Accept-Encoding is read with q-values, a coding's own entry before \"*\"") {
  CHECK(coding_quality("gzip, deflate, br", "br") == 1000);
  CHECK(coding_quality("br;q=0.5, gzip", "br") == 500);
  CHECK(coding_quality("br; q=0.125", "br") == 125);
  CHECK(coding_quality("BR;Q=1.0", "br") == 1000);
  CHECK(coding_quality("gzip", "br") == 0);
  CHECK(coding_quality("", "br") == 0);
  CHECK(coding_quality("*;q=0.3", "br") == 300);
  CHECK(coding_quality("*, br;q=0", "br") == 0);
  CHECK(coding_quality("br;q=0, *", "br") == 0);
  CHECK(coding_quality("x-gzip", "gzip") == 1000);
  // Malformed q-values refuse rather than guess.
  CHECK(coding_quality("br;q=2", "br") == 0);
  CHECK(coding_quality("br;q=0.5000", "br") == 0);
  CHECK(coding_quality("br;q=abc", "br") == 0);
  CHECK(coding_quality("br;q=", "br") == 0);
}

TEST_CASE("accepts_br and accepts_gzip say whether the client takes each encoding at all") {
  CHECK(accepts_br("gzip, deflate, br, zstd"));
  CHECK_FALSE(accepts_br("gzip, deflate"));
  CHECK_FALSE(accepts_br("br;q=0"));
  CHECK(accepts_br("*"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("gzip;q=0.001"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, br"));
  CHECK_FALSE(accepts_gzip("*;q=1, gzip;q=0"));
  CHECK_FALSE(accepts_gzip("identity"));
}
