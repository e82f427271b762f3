#include "m3u8_reader.hpp"

#include <sstream>

namespace plenary::streaming::test {

namespace {

// RFC 8216 4.2: AttributeName=AttributeValue, comma separated; quoted strings may hold commas.
bool parse_attributes(const std::string& text, std::map<std::string, std::string>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto eq = text.find('=', i);
    if (eq == std::string::npos) return false;
    const std::string name = text.substr(i, eq - i);
    if (name.empty()) return false;
    for (char c : name) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    std::string value;
    i = eq + 1;
    if (i < text.size() && text[i] == '"') {
      const auto close = text.find('"', i + 1);
      if (close == std::string::npos) return false;
      value = text.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      const auto comma = text.find(',', i);
      value = text.substr(i, comma == std::string::npos ? std::string::npos : comma - i);
      i = comma == std::string::npos ? text.size() : comma;
    }
    if (!out.emplace(name, value).second) return false;  // duplicate attribute
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
    }
  }
  return true;
}

bool has_attribute_list(const std::string& tag) {
  return tag == "EXT-X-MEDIA" || tag == "EXT-X-STREAM-INF" || tag == "EXT-X-I-FRAME-STREAM-INF" || tag == "EXT-X-KEY" ||
         tag == "EXT-X-MAP";
}

}  // namespace

std::vector<const M3u8Line*> M3u8::tags(const std::string& tag) const {
  std::vector<const M3u8Line*> found;
  for (const auto& line : lines) {
    if (line.tag == tag) found.push_back(&line);
  }
  return found;
}

std::optional<std::string> M3u8::first(const std::string& tag) const {
  for (const auto& line : lines) {
    if (line.tag == tag) return line.value;
  }
  return std::nullopt;
}

const M3u8Line* M3u8::Entry::tag(const std::string& name) const {
  for (const auto* line : tags) {
    if (line->tag == name) return line;
  }
  return nullptr;
}

std::vector<M3u8::Entry> M3u8::entries() const {
  std::vector<Entry> out;
  Entry current;
  for (const auto& line : lines) {
    if (line.tag.empty()) {
      current.uri = line.value;
      out.push_back(std::move(current));
      current = Entry{};
    } else {
      current.tags.push_back(&line);
    }
  }
  return out;
}

M3u8 read_m3u8(const std::string& text) {
  M3u8 result;
  std::istringstream in{text};
  std::string raw;
  bool first = true;
  while (std::getline(in, raw)) {
    for (char c : raw) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        result.problem = "control character in: " + raw;
        return result;
      }
    }
    if (first) {
      if (raw != "#EXTM3U") {
        result.problem = "does not start with #EXTM3U";
        return result;
      }
      first = false;
      continue;
    }
    if (raw.empty()) continue;
    M3u8Line line;
    if (raw.starts_with("#EXT")) {
      const auto colon = raw.find(':');
      line.tag = raw.substr(1, colon == std::string::npos ? std::string::npos : colon - 1);
      line.value = colon == std::string::npos ? "" : raw.substr(colon + 1);
      if (has_attribute_list(line.tag)) {
        line.attributes_ok = parse_attributes(line.value, line.attributes);
        if (!line.attributes_ok) {
          result.problem = "bad attribute list: " + raw;
          return result;
        }
      }
    } else if (raw.starts_with("#")) {
      continue;  // a comment
    } else {
      line.value = raw;
    }
    result.lines.push_back(std::move(line));
  }
  result.valid = !first;
  if (first) result.problem = "empty";
  return result;
}

}  // namespace plenary::streaming::test
