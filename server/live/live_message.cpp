#include "live/live_message.hpp"

#include <algorithm>

namespace plenary::live {
namespace {

bool is_language_map(const nlohmann::json& value, const ChannelLanguages& languages) {
  if (!value.is_object() || value.empty()) return false;
  for (const auto& [key, text] : value.items()) {
    if (!text.is_string()) return false;
    if (std::find(languages.offered.begin(), languages.offered.end(), key) == languages.offered.end()) return false;
  }
  return true;
}

}  // namespace

nlohmann::json localize(const nlohmann::json& value, const std::string& language, const ChannelLanguages& languages) {
  if (value.is_object()) {
    if (is_language_map(value, languages)) {
      for (const std::string* wanted : {&language, &languages.fallback}) {
        if (auto found = value.find(*wanted); found != value.end()) return *found;
      }
      return value.begin().value();
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, member] : value.items()) out[key] = localize(member, language, languages);
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : value) out.push_back(localize(element, language, languages));
    return out;
  }
  return value;
}

std::string render(const LiveMessage& message, const std::string& language, const ChannelLanguages& languages) {
  const auto dump = [](const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  // The envelope first, in this order (a JSON object would sort its keys):
  // a client can read type and seq without going through data.
  std::string out = "{\"type\":" + dump(message.type);
  out += ",\"channel\":" + dump(message.channel_name);
  out += ",\"seq\":" + std::to_string(message.seq);
  out += ",\"at\":" + dump(message.at);
  out += ",\"data\":" + dump(language == "*" ? *message.data : localize(*message.data, language, languages));
  out += '}';
  return out;
}

}  // namespace plenary::live
