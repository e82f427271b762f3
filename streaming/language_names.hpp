#pragma once

#include <string>
#include <string_view>

namespace plenary::streaming {

// The name of a language in that language itself ("Tiếng Việt" for vi), as an
// attendee choosing an audio track expects to read it. Looks up the primary
// subtag of a BCP 47 tag ("zh-Hant" -> zh), case-insensitively; ISO 639-2
// codes that GStreamer passes on for languages with a two-letter code (vie,
// eng) are accepted too. Unknown: an empty string.
std::string_view language_autonym(std::string_view tag);

// The BCP 47 form of a code as GStreamer reports a stream's language: the
// two-letter code where ISO 639-1 has one ("eng" -> "en"), otherwise the
// code in lower case ("mul", "fil"). Empty or malformed input: "und".
std::string bcp47_language(std::string_view code);

// The ISO 639-2/B code an MPEG-TS language descriptor carries ("en" ->
// "eng", "vi" -> "vie"); a three-letter code as given, in lower case ("mul").
// A two-letter code not in the table, or malformed input: empty (no descriptor).
std::string iso639_2b_language(std::string_view code);

}  // namespace plenary::streaming
