#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace plenary::streaming {

// Where an audio track's language comes from: the stream's own ISO 639
// descriptor when it has one, else the configured track order (BCP 47 codes
// by audio index, PID order: {"mul", "en", "vi"}).
//
// `descriptor`: what the demuxer reported ("" while none has been seen).
// `descriptor_absent`: the track's data has started with no descriptor, so
// none is coming; until then an empty descriptor only means "not yet".
// Returns the language to report and whether it came from the configuration;
// {"", false} when neither knows. Pure function.
struct ResolvedLanguage {
  std::string language;
  bool from_config = false;
};
ResolvedLanguage resolve_track_language(std::string_view descriptor, bool descriptor_absent, std::size_t audio_index,
                                        const std::vector<std::string>& configured);

// A configured language code the relay accepts: empty (no fallback for that
// track) or letters, digits and '-' only, at most 35 characters (BCP 47's
// longest useful tag), starting with a letter.
bool plausible_language_tag(std::string_view tag);

}  // namespace plenary::streaming
