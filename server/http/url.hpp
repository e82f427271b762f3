#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plenary::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Decodes %XX escapes (and '+' as space when `plus_is_space`, as in query
// strings). nullopt for a malformed escape or a decoded NUL byte.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// Splits a still-encoded path at '/' and decodes each segment on its own, so
// "%2F" stays inside its segment instead of becoming a separator. The leading
// '/' yields no segment; "/a/" yields {"a", ""}. nullopt if any segment is malformed.
std::optional<std::vector<std::string>> split_path(std::string_view raw_path);

// Parses "a=1&b=x%20y&flag" into ordered pairs. Throws ApiError 400 naming
// the bad parameter on malformed encoding.
QueryParams parse_query(std::string_view query_string);

}  // namespace plenary::http
