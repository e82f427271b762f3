#pragma once

#include <nlohmann/json.hpp>

#include "domain/agenda.hpp"
#include "http/api_error.hpp"

namespace plenary::api {

// The input form of each agenda resource: what a host POSTs, what a PATCH
// merges into (RFC 7396 JSON merge patch) and what the audit log records as
// before and after. read_* validate a whole input object into a domain value
// (field errors go to `validation`); *_input give the stored value back in
// that same form, so a PATCH is "current input form + patch, read again".

domain::Event read_event(const nlohmann::json& input, http::Validation& validation);
nlohmann::json event_input(const domain::Event& event);

domain::Room read_room(const nlohmann::json& input, const domain::Event& event, http::Validation& validation);
nlohmann::json room_input(const domain::Room& room);

domain::Track read_track(const nlohmann::json& input, const domain::Event& event, http::Validation& validation);
nlohmann::json track_input(const domain::Track& track);

domain::Person read_person(const nlohmann::json& input, const domain::Event& event, http::Validation& validation);
nlohmann::json person_input(const domain::Person& person);

// References (room, track, speakers) are checked against the database later.
domain::Session read_session(const nlohmann::json& input, const domain::Event& event, http::Validation& validation);
nlohmann::json session_input(const domain::Session& session, const domain::Event& event);

// RFC 7396: `patch` applied to `target`; a null member removes it.
nlohmann::json merge_patch(nlohmann::json target, const nlohmann::json& patch);

}  // namespace plenary::api
