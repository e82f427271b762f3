#include "api/registration_input.hpp"

#include "api/field_reader.hpp"
#include "auth/auth_service.hpp"
#include "domain/text.hpp"

namespace plenary::api {
namespace {

nlohmann::json optional(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

domain::Registration read_registration(const nlohmann::json& input, const domain::Event& event,
                                       RegistrationEditor editor, http::Validation& validation) {
  FieldReader fields(input, validation);
  if (editor == RegistrationEditor::host) {
    fields.only({"name", "position", "organisation", "delegation", "category", "email", "phone", "preferred_language",
                 "attendance", "notes"});
  } else {
    fields.only({"name", "position", "organisation", "email", "phone", "preferred_language", "attendance", "notes",
                 "delegation", "category"});
  }
  domain::Registration registration;
  registration.event_id = event.id;
  registration.name = fields.text("name", 200);
  registration.position = fields.optional_text("position", 200);
  registration.organisation = fields.optional_text("organisation", 200);
  registration.delegation = fields.text("delegation", 2);
  if (!registration.delegation.empty() &&
      (registration.delegation.size() != 2 || !std::isupper(static_cast<unsigned char>(registration.delegation[0])) ||
       !std::isupper(static_cast<unsigned char>(registration.delegation[1])))) {
    fields.fail("delegation", "must be an ISO 3166-1 alpha-2 country code such as VN or MY");
  }
  registration.category =
      fields.choice<domain::Category>("category", domain::kCategoryNames, domain::Category::delegate);
  if (auto email = fields.optional_text("email", 254)) {
    registration.email = auth::normalize_email(*email);
    if (!registration.email) fields.fail("email", "must be an e-mail address such as name@example.org");
  }
  registration.phone = fields.optional_text("phone", 40);
  registration.preferred_language = fields.optional_text("preferred_language", 35);
  if (registration.preferred_language && !domain::is_language_tag(*registration.preferred_language)) {
    fields.fail("preferred_language", "must be a language tag such as vi");
  }
  registration.attendance =
      fields.choice<domain::Attendance>("attendance", domain::kAttendanceNames, domain::Attendance::in_person);
  registration.notes = fields.optional_text("notes", 2000);
  return registration;
}

nlohmann::json registration_input(const domain::Registration& r) {
  return {{"name", r.name},
          {"position", optional(r.position)},
          {"organisation", optional(r.organisation)},
          {"delegation", r.delegation},
          {"category", domain::to_string(r.category)},
          {"email", optional(r.email)},
          {"phone", optional(r.phone)},
          {"preferred_language", optional(r.preferred_language)},
          {"attendance", domain::to_string(r.attendance)},
          {"notes", optional(r.notes)}};
}

nlohmann::json render_registration(const domain::Registration& r, const domain::Event& event) {
  const domain::TimeZone zone = domain::event_zone(event);
  nlohmann::json out = registration_input(r);
  out["id"] = r.id;
  out["event"] = event.slug;
  out["status"] = domain::to_string(r.status);
  out["created_at"] = zone.format(r.created_at);
  out["updated_at"] = zone.format(r.updated_at);
  return out;
}

}  // namespace plenary::api
