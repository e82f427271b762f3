#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace plenary::badge {

// Text as one printed line: invalid UTF-8 becomes U+FFFD, characters XML 1.0
// does not allow are dropped (and DEL and the C1 controls, which XML allows
// but nothing prints), tabs and line breaks become spaces, runs of
// spaces collapse, the ends are trimmed, and the result is NFC. At most
// `max_code_points` are kept (the rest cannot fit on a badge anyway).
std::string clean_text(std::string_view text, std::size_t max_code_points = 200);

// `text` with &, <, >, " and ' escaped: safe inside XML character data and
// inside attribute values in either kind of quotes. Expects clean_text output.
std::string xml_escape(std::string_view text);

}  // namespace plenary::badge
