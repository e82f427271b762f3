#include "streaming/publisher_gate.hpp"

#include <doctest/doctest.h>

using plenary::streaming::PublisherGate;
using Admission = PublisherGate::Admission;

TEST_CASE("a publisher whose handshake presented the stream id is admitted") {
  PublisherGate gate{"key-1"};
  CHECK_FALSE(gate.admitted());
  CHECK(gate.check_handshake("10.0.0.5:4000", "key-1"));
  CHECK(gate.admit("10.0.0.5:4000") == Admission::admitted);
  CHECK(gate.admitted());
  gate.disconnected();
  CHECK_FALSE(gate.admitted());
}

TEST_CASE("a wrong stream id is refused at the handshake and cannot be admitted") {
  PublisherGate gate{"key-1"};
  CHECK_FALSE(gate.check_handshake("10.0.0.5:4000", "key-2"));
  CHECK_FALSE(gate.check_handshake("10.0.0.5:4000", "key-1x"));
  CHECK_FALSE(gate.check_handshake("10.0.0.5:4000", ""));
  CHECK(gate.admit("10.0.0.5:4000") == Admission::unchecked);
  CHECK_FALSE(gate.admitted());
}

// srtsrc 1.22 listens before it installs the check: such a connection
// arrives at caller-added with no handshake seen.
TEST_CASE("a connection accepted without a checked handshake is not admitted") {
  PublisherGate gate{"key-1"};
  CHECK(gate.admit("10.0.0.5:4000") == Admission::unchecked);
  SUBCASE("not even when another peer passed the check") {
    CHECK(gate.check_handshake("10.0.0.6:4000", "key-1"));
    CHECK(gate.admit("10.0.0.5:4000") == Admission::unchecked);
    CHECK_FALSE(gate.admitted());
  }
}

TEST_CASE("a rotated stream id refuses the old one from the moment set_stream_id returns") {
  PublisherGate gate{"key-1"};
  CHECK_FALSE(gate.set_stream_id("key-2"));  // nobody connected: nothing to revoke
  CHECK_FALSE(gate.check_handshake("10.0.0.5:4000", "key-1"));
  CHECK(gate.check_handshake("10.0.0.5:4000", "key-2"));
  CHECK(gate.admit("10.0.0.5:4000") == Admission::admitted);
}

TEST_CASE("a handshake checked just before a rotation is not admitted after it") {
  PublisherGate gate{"key-1"};
  CHECK(gate.check_handshake("10.0.0.5:4000", "key-1"));
  gate.set_stream_id("key-2");
  CHECK(gate.admit("10.0.0.5:4000") == Admission::unchecked);
  CHECK_FALSE(gate.admitted());
}

TEST_CASE("rotating the stream id revokes the connected publisher that presented the old one") {
  PublisherGate gate{"key-1"};
  REQUIRE(gate.check_handshake("10.0.0.5:4000", "key-1"));
  REQUIRE(gate.admit("10.0.0.5:4000") == Admission::admitted);
  SUBCASE("another id: revoked, its data stops") {
    CHECK(gate.set_stream_id("key-2"));
    CHECK_FALSE(gate.admitted());
    CHECK(gate.revoked());
    gate.reset();  // the next listener
    CHECK_FALSE(gate.revoked());
  }
  SUBCASE("the same id again: nothing changes") {
    CHECK_FALSE(gate.set_stream_id("key-1"));
    CHECK(gate.admitted());
    CHECK_FALSE(gate.revoked());
  }
}

TEST_CASE("with no stream id required any publisher is admitted, until one is required") {
  PublisherGate gate{""};
  CHECK(gate.check_handshake("10.0.0.5:4000", "anything"));
  CHECK(gate.admit("10.0.0.7:4000") == Admission::admitted);  // nothing for the handshake to refuse
  CHECK(gate.set_stream_id("key-1"));
  CHECK_FALSE(gate.admitted());
}

TEST_CASE("a new listener forgets the handshakes of the previous one") {
  PublisherGate gate{"key-1"};
  CHECK(gate.check_handshake("10.0.0.5:4000", "key-1"));
  gate.reset();
  CHECK(gate.admit("10.0.0.5:4000") == Admission::unchecked);
}
