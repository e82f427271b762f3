#include "http/client_address.hpp"

#include <algorithm>

#include "http/headers.hpp"

namespace plenary::http {
namespace {

bool is_trusted(std::string_view address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

}  // namespace

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  if (!forwarded_for || !is_trusted(peer, trusted_proxies)) return std::string(peer);
  std::string_view rest = *forwarded_for;
  std::string_view candidate = peer;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view hop = trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty() || hop.size() > 45) break;  // malformed: keep the last trusted answer
    candidate = hop;
    if (!is_trusted(hop, trusted_proxies)) break;
  }
  return std::string(candidate);
}

}  // namespace plenary::http
