#pragma once

#include <nlohmann/json.hpp>

#include "domain/agenda.hpp"
#include "domain/registration.hpp"
#include "http/api_error.hpp"

namespace plenary::api {

// Who may set which field of a registration: a delegate correcting their own
// record may not change their delegation, category or status.
enum class RegistrationEditor { host, delegate };

// Reads the input form of a registration (see agenda_input.hpp for the pattern).
domain::Registration read_registration(const nlohmann::json& input, const domain::Event& event,
                                       RegistrationEditor editor, http::Validation& validation);
nlohmann::json registration_input(const domain::Registration& registration);
nlohmann::json render_registration(const domain::Registration& registration, const domain::Event& event);

}  // namespace plenary::api
