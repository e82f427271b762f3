#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::http {

// The address of the client behind any trusted proxies. `peer` is the socket's
// remote address; when it is one of `trusted_proxies`, X-Forwarded-For is read
// from the right, skipping trusted hops, and the first untrusted address wins.
// A header from an untrusted peer is ignored: anyone can write one.
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

}  // namespace plenary::http
