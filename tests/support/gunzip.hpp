#pragma once

#include <string>
#include <string_view>

namespace plenary::test {

// The bytes inside a gzip member, as a browser would unpack them; throws
// when `data` is not one whole, valid member. Thread-safety: a plain function.
std::string gunzip(std::string_view data);

}  // namespace plenary::test
