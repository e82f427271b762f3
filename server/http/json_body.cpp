#include "http/json_body.hpp"

#include <algorithm>
#include <vector>

#include "domain/text.hpp"
#include "http/api_error.hpp"

namespace plenary::http {
namespace {

std::string_view essence(std::string_view content_type) {
  return trim_ows(content_type.substr(0, content_type.find(';')));
}

bool is_json_media_type(std::string_view content_type) {
  const std::string_view type = essence(content_type);
  if (iequals(type, "application/json")) return true;
  return type.size() > 5 && iequals(type.substr(0, 12), "application/") &&
         iequals(type.substr(type.size() - 5), "+json");
}

// Only utf-8 (the JSON default, RFC 8259) is accepted as a charset.
bool charset_ok(std::string_view content_type) {
  std::size_t at = content_type.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = content_type.substr(at + 1);
    const std::size_t next = rest.find(';');
    const std::string_view parameter = trim_ows(rest.substr(0, next));
    const auto equals = parameter.find('=');
    if (equals != std::string_view::npos && iequals(trim_ows(parameter.substr(0, equals)), "charset")) {
      std::string_view value = trim_ows(parameter.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (!iequals(value, "utf-8") && !iequals(value, "utf8")) return false;
    }
    at = next == std::string_view::npos ? next : at + 1 + next;
  }
  return true;
}

struct DepthExceeded {};

// U+FDD0, a noncharacter: stands in for each byte that is not UTF-8.
constexpr std::string_view kSentinel = "\xEF\xB7\x90";

// nlohmann refuses invalid UTF-8 as a syntax error; people need to hear which
// field holds it. So bad bytes are swapped for the sentinel, the body parsed,
// and every string (or key) holding a sentinel reported as a 422.
[[noreturn]] void refuse_invalid_utf8(const std::string& body, std::size_t max_depth);

void collect_marked(const nlohmann::json& value, const std::string& path, std::vector<FieldError>& errors) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().find(kSentinel) != std::string::npos) {
      errors.push_back({path, "is not valid UTF-8"});
    }
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      const std::string child = path.empty() ? key : path + "." + key;
      if (key.find(kSentinel) != std::string::npos) errors.push_back({path, "has a name that is not valid UTF-8"});
      collect_marked(item, child, errors);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      collect_marked(value[i], path.empty() ? std::to_string(i) : path + "." + std::to_string(i), errors);
    }
  }
}

void refuse_invalid_utf8(const std::string& body, std::size_t max_depth) {
  std::string repaired;
  repaired.reserve(body.size() + 16);
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t valid = domain::valid_utf8_prefix(std::string_view(body).substr(at));
    repaired.append(body, at, valid);
    at += valid;
    if (at < body.size()) {
      repaired += kSentinel;
      ++at;
    }
  }
  const auto limit_depth = [max_depth](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    return static_cast<std::size_t>(depth) <= max_depth;
  };
  const auto parsed = nlohmann::json::parse(repaired, limit_depth, false);
  std::vector<FieldError> errors;
  if (!parsed.is_discarded()) collect_marked(parsed, "", errors);
  if (errors.empty()) throw bad_request("The body is not valid UTF-8 JSON.");
  throw validation_failed(std::move(errors));
}

}  // namespace

nlohmann::json parse_json_body(const Request& request, std::size_t max_depth) {
  const auto content_type = request.headers.get("Content-Type");
  if (!content_type || !is_json_media_type(*content_type) || !charset_ok(*content_type)) {
    throw unsupported_media_type("This endpoint takes a JSON body: send Content-Type: application/json" +
                                 std::string(content_type ? " (got '" + std::string(*content_type) + "')." : "."));
  }
  if (std::all_of(request.body.begin(), request.body.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
    throw bad_request("The request body is empty; this endpoint takes a JSON document.");
  }
  if (!domain::is_valid_utf8(request.body)) refuse_invalid_utf8(request.body, max_depth);
  const auto limit_depth = [max_depth](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (static_cast<std::size_t>(depth) > max_depth) throw DepthExceeded{};
    return true;
  };
  try {
    return nlohmann::json::parse(request.body, limit_depth);
  } catch (const DepthExceeded&) {
    throw bad_request("The JSON body is nested more than " + std::to_string(max_depth) + " levels deep.");
  } catch (const nlohmann::json::parse_error& error) {
    // Turn the byte offset into line and column: people read editors, not offsets.
    const std::size_t offset = std::min<std::size_t>(error.byte == 0 ? 0 : error.byte - 1, request.body.size());
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset; ++i) {
      if (request.body[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(request.body[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    std::string reason = error.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 5: <reason>"
    if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    ApiError problem = bad_request("The body is not valid JSON at line " + std::to_string(line) + ", column " +
                                   std::to_string(column) + ": " + reason);
    problem.extensions()["line"] = line;
    problem.extensions()["column"] = column;
    throw problem;
  }
}

}  // namespace plenary::http
