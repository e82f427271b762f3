#pragma once

// A deliberately separate, minimal reader of HLS playlists for the tests: it
// checks what the writer produced the way a player would read it (tags,
// attribute lists with quoted strings, URI lines), so a test fails when the
// text does not parse, not only when it differs from an expected string.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace plenary::streaming::test {

struct M3u8Line {
  std::string tag;    // "EXT-X-MEDIA" (without '#'); empty for a URI line
  std::string value;  // everything after ':' for a tag; the URI for a URI line
  std::map<std::string, std::string> attributes;  // parsed attribute list, quotes removed
  bool attributes_ok = true;  // false: the value looked like an attribute list but did not parse
};

struct M3u8 {
  bool valid = false;  // first line is #EXTM3U, no control characters, every line parsed
  std::string problem;
  std::vector<M3u8Line> lines;

  std::vector<const M3u8Line*> tags(const std::string& tag) const;
  std::optional<std::string> first(const std::string& tag) const;  // value of the first such tag
  // URI lines, each with the tags that came before it since the previous URI.
  struct Entry {
    std::string uri;
    std::vector<const M3u8Line*> tags;
    const M3u8Line* tag(const std::string& name) const;
  };
  std::vector<Entry> entries() const;
};

M3u8 read_m3u8(const std::string& text);

}  // namespace plenary::streaming::test
