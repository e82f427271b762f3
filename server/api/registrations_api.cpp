// Registrations: a delegate registers, hosts review, approval hands out a
// personal access code that signs the delegate in; the delegate keeps their
// own record up to date at /me.
#include <nlohmann/json.hpp>

#include "api/agenda_input.hpp"
#include "api/agenda_support.hpp"
#include "api/field_reader.hpp"
#include "api/registration_input.hpp"
#include "api/registration_support.hpp"
#include "api/routes.hpp"
#include "auth/auth_service.hpp"
#include "auth/token.hpp"
#include "db/checkin_store.hpp"
#include "db/error.hpp"
#include "db/registration_store.hpp"
#include "domain/instant.hpp"
#include "domain/text.hpp"
#include "http/app_routes.hpp"
#include "http/router.hpp"
#include "live/publisher.hpp"

namespace plenary::api {
namespace {

using domain::RegistrationStatus;
using http::RequestContext;
using http::Response;
namespace store = db::registration_store;

http::ApiError already_registered() {
  return http::conflict("This e-mail address is already registered for this event.");
}

// The registration {id} of the {slug} event, as a host or its own delegate sees it.
domain::Registration visible_registration(RequestContext& context, db::Connection& connection,
                                          const domain::Event& event) {
  const std::int64_t id = id_param(context, "id");
  const auto& principal = context.require_principal();
  auto registration = store::find_registration(connection, event.id, id);
  const bool allowed = principal.is_host() || (principal.is_delegate() && principal.registration_id == id);
  if (!registration || !allowed) throw http::not_found("There is no registration " + std::to_string(id) + ".");
  return std::move(*registration);
}

Response create_registration(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  nlohmann::json form = body;
  const std::optional<std::string> invitation_code =
      body.contains("invitation_code") && body["invitation_code"].is_string()
          ? std::optional<std::string>(body["invitation_code"].get<std::string>())
          : std::nullopt;
  form.erase("invitation_code");
  const auto [event, registration] = [&] {
    try {
      return write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
        const auto settings = store::settings(connection, current.id);
        const std::int64_t now = domain::unix_now();
        if (!settings.open) throw http::conflict("Registration for this event is closed.");
        if (settings.deadline && now > *settings.deadline) {
          throw http::conflict("The registration deadline has passed.");
        }
        http::Validation validation;
        domain::Registration next = read_registration(form, current, RegistrationEditor::host, validation);
        std::optional<db::Invitation> invitation;
        if (invitation_code) {
          invitation = store::find_invitation(connection, current.id,
                                              auth::hash_token(auth::normalize_access_code(*invitation_code)));
          if (!invitation || invitation->revoked_at) {
            validation.add("invitation_code", "is not a valid invitation code for this event");
          } else if (invitation->max_uses && invitation->uses >= *invitation->max_uses) {
            validation.add("invitation_code", "has been used as often as it may be");
          } else if (!next.delegation.empty() && next.delegation != invitation->delegation) {
            validation.add("delegation", "must be " + invitation->delegation + ", the delegation of the invitation");
          }
        } else if (settings.invitation_required ||
                   (current.visibility == domain::Visibility::delegates && !sees_delegates_only(context, current))) {
          validation.add("invitation_code", "is required to register for this event");
        }
        validation.throw_if_invalid();
        next.status = RegistrationStatus::pending;
        next.created_at = next.updated_at = now;
        next.id =
            store::insert_registration(connection, next, invitation ? std::optional(invitation->id) : std::nullopt);
        if (invitation) store::use_invitation(connection, invitation->id);
        audit(connection, context, current, "registration.created", "registration", next.id, nullptr,
              registration_input(next));
        return std::pair{current, next};
      });
    } catch (const db::ConstraintError& error) {
      if (error.is_unique()) throw already_registered();
      throw;
    }
  }();
  return created(render_registration(registration, event),
                 "/api/v1/events/" + event.slug + "/registrations/" + std::to_string(registration.id));
}

Response list_registrations(RequestContext& context) {
  const db::PageRequest page = page_request(context);
  const db::RegistrationFilter filter = registration_filter(context);
  struct Result {
    domain::Event event;
    std::vector<domain::Registration> rows;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    auto rows = store::list_registrations(connection, event.id, filter, {page.after_id, page.limit + 1});
    return Result{std::move(event), std::move(rows)};
  });
  return http::json_response(200, page_json(result.rows, page, [&](const domain::Registration& registration) {
                               return render_registration(registration, result.event);
                             }));
}

Response get_registration(RequestContext& context) {
  struct Result {
    domain::Event event;
    domain::Registration registration;
  };
  const Result result = context.services().database->read([&](db::Connection& connection) {
    domain::Event event = visible_event(context, connection);
    domain::Registration registration = visible_registration(context, connection, event);
    return Result{std::move(event), std::move(registration)};
  });
  return http::json_response(200, render_registration(result.registration, result.event));
}

// Moves a registration from one of `from` to `to`; cancelling or rejecting
// takes back the delegate's access and seats (the waitlist moves up).
Response transition(RequestContext& context, std::initializer_list<RegistrationStatus> from, RegistrationStatus to) {
  const auto [event, registration,
              access] = write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
    domain::Registration existing = visible_registration(context, connection, current);
    if (std::find(from.begin(), from.end(), existing.status) == from.end()) {
      throw http::conflict("A registration that is " + std::string(domain::to_string(existing.status)) +
                           " cannot become " + std::string(domain::to_string(to)) + ".");
    }
    const std::int64_t now = domain::unix_now();
    const nlohmann::json before = {{"status", domain::to_string(existing.status)}};
    store::set_status(connection, existing.id, to, context.require_principal().user_id, now);
    nlohmann::json issued = nullptr;
    if (to == RegistrationStatus::approved) {
      issued = issue_access(connection, current, existing.id, now);
    } else {
      store::revoke_access(connection, existing.id, now);
      for (const auto& rsvp : store::rsvps_of(connection, existing.id)) {
        store::delete_rsvp(connection, rsvp.id);
        if (auto session = db::agenda_store::find_session(connection, current.id, rsvp.session_id);
            session && session->capacity) {
          for (const auto& promoted : store::promote_waitlist(connection, rsvp.session_id, *session->capacity, now)) {
            tell_promoted(context, connection, current, promoted, now);
          }
        }
      }
    }
    existing.status = to;
    existing.updated_at = now;
    context.services().live->to_delegate(connection, current, existing.id, "registration.changed",
                                         {{"status", domain::to_string(to)}}, now);
    audit(connection, context, current, "registration." + std::string(domain::to_string(to)), "registration",
          existing.id, before, {{"status", domain::to_string(to)}});
    return std::tuple{current, existing, issued};
  });
  nlohmann::json body = render_registration(registration, event);
  if (!access.is_null()) body.update(access);
  return http::json_response(200, body);
}

Response approve(RequestContext& context) {
  return transition(context, {RegistrationStatus::pending, RegistrationStatus::rejected}, RegistrationStatus::approved);
}
Response reject(RequestContext& context) {
  return transition(context, {RegistrationStatus::pending}, RegistrationStatus::rejected);
}
Response cancel(RequestContext& context) {
  return transition(context, {RegistrationStatus::pending, RegistrationStatus::approved},
                    RegistrationStatus::cancelled);
}

Response reissue_access_code(RequestContext& context) {
  const nlohmann::json access = write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    const domain::Registration registration = visible_registration(context, connection, event);
    if (registration.status != RegistrationStatus::approved) {
      throw http::conflict("Only an approved registration has an access code.");
    }
    audit(connection, context, event, "registration.access_code_reissued", "registration", registration.id, nullptr,
          nullptr);
    return issue_access(connection, event, registration.id, domain::unix_now());
  });
  return http::json_response(200, access);
}

Response revoke_access_code(RequestContext& context) {
  write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    const domain::Registration registration = visible_registration(context, connection, event);
    store::revoke_access(connection, registration.id, domain::unix_now());
    audit(connection, context, event, "registration.access_code_revoked", "registration", registration.id, nullptr,
          nullptr);
  });
  return http::empty_response(204);
}

Response sign_in_with_code(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  http::Validation validation;
  FieldReader fields(body, validation);
  fields.only({"code"});
  const std::string code = fields.text("code", 64);
  validation.throw_if_invalid();
  const auto result = context.services().auth->exchange_access_code(code, context.request().remote_address);
  return http::json_response(200, {{"token", result.token},
                                   {"token_type", "Bearer"},
                                   {"expires_at", domain::format_utc(result.expires_at)},
                                   {"registration_id", result.registration_id}});
}

// Saves `next` as the corrected form of `existing` (its id, status and
// creation kept) and audits the change; an e-mail taken by another
// registration is a 409.
domain::Registration save_correction(db::Connection& connection, const RequestContext& context,
                                     const domain::Event& event, const domain::Registration& existing,
                                     domain::Registration next, const nlohmann::json& before) {
  next.id = existing.id;
  next.status = existing.status;
  next.created_at = existing.created_at;
  next.updated_at = domain::unix_now();
  try {
    store::update_registration(connection, next);
  } catch (const db::ConstraintError& error) {
    if (error.is_unique()) throw already_registered();
    throw;
  }
  audit(connection, context, event, "registration.updated", "registration", next.id, before, registration_input(next));
  return next;
}

// The delegate's own registration and its event, read in one transaction.
struct Own {
  domain::Event event;
  domain::Registration registration;
};

Own own_registration(db::Connection& connection, const auth::Principal& principal) {
  auto event = db::agenda_store::find_event_by_id(connection, principal.event_id);
  auto registration = event ? store::find_registration(connection, event->id, principal.registration_id) : std::nullopt;
  if (!event || !registration) throw http::not_found("Your registration no longer exists.");
  return {std::move(*event), std::move(*registration)};
}

Response get_me(RequestContext& context) {
  const auth::Principal& principal = context.require_principal();
  const Own own = context.services().database->read(
      [&](db::Connection& connection) { return own_registration(connection, principal); });
  return http::json_response(200, render_registration(own.registration, own.event));
}

Response patch_me(RequestContext& context) {
  const nlohmann::json patch = object_body(context);
  const auth::Principal& principal = context.require_principal();
  const Own own = context.services().database->write([&](db::Connection& connection) {
    Own current = own_registration(connection, principal);
    const nlohmann::json before = registration_input(current.registration);
    http::Validation validation;
    domain::Registration next =
        read_registration(merge_patch(before, patch), current.event, RegistrationEditor::delegate, validation);
    if (next.delegation != current.registration.delegation) {
      validation.add("delegation", "can only be changed by the registration desk");
    }
    if (next.category != current.registration.category) {
      validation.add("category", "can only be changed by the registration desk");
    }
    validation.throw_if_invalid();
    current.registration = save_correction(connection, context, current.event, current.registration, next, before);
    return current;
  });
  return http::json_response(200, render_registration(own.registration, own.event));
}

// The registration desk corrects a record (a misspelt name, a late change of
// category). Status changes go through approve, reject and cancel instead.
Response patch_registration(RequestContext& context) {
  const nlohmann::json patch = object_body(context);
  if (patch.contains("status")) {
    throw http::validation_failed({{"status", "changes through approve, reject or cancel"}});
  }
  const auto [event, registration] =
      write_in_event(context, [&](db::Connection& connection, const domain::Event& current) {
        const domain::Registration existing = visible_registration(context, connection, current);
        const nlohmann::json before = registration_input(existing);
        http::Validation validation;
        domain::Registration next =
            read_registration(merge_patch(before, patch), current, RegistrationEditor::host, validation);
        validation.throw_if_invalid();
        return std::pair{current, save_correction(connection, context, current, existing, next, before)};
      });
  return http::json_response(200, render_registration(registration, event));
}

Response get_settings(RequestContext& context) {
  const auto settings = context.services().database->read(
      [&](db::Connection& connection) { return store::settings(connection, visible_event(context, connection).id); });
  return http::json_response(
      200, {{"open", settings.open},
            {"deadline",
             settings.deadline ? nlohmann::json(domain::format_utc(*settings.deadline)) : nlohmann::json(nullptr)},
            {"invitation_required", settings.invitation_required}});
}

Response put_settings(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    http::Validation validation;
    FieldReader fields(body, validation);
    fields.only({"open", "deadline", "invitation_required"});
    db::RegistrationSettings settings;
    settings.open = fields.boolean("open", true);
    settings.invitation_required = fields.boolean("invitation_required", false);
    if (fields.find("deadline")) settings.deadline = fields.instant("deadline", domain::event_zone(event));
    validation.throw_if_invalid();
    store::save_settings(connection, event.id, settings);
    audit(connection, context, event, "registration.settings_changed", "event", event.id, nullptr, body);
  });
  return get_settings(context);
}

Response create_invitation(RequestContext& context) {
  const nlohmann::json body = object_body(context);
  const auto [id, code] = write_in_event(context, [&](db::Connection& connection, const domain::Event& event) {
    http::Validation validation;
    FieldReader fields(body, validation);
    fields.only({"delegation", "max_uses"});
    const std::string delegation = fields.text("delegation", 2);
    if (delegation.size() != 2 || !std::isupper(static_cast<unsigned char>(delegation[0])) ||
        !std::isupper(static_cast<unsigned char>(delegation[1]))) {
      fields.fail("delegation", "must be an ISO 3166-1 alpha-2 country code such as VN");
    }
    const auto max_uses = fields.optional_integer("max_uses", 1, 10'000);
    validation.throw_if_invalid();
    const std::string fresh = auth::new_access_code();
    const std::int64_t invitation =
        store::insert_invitation(connection, event.id, delegation, auth::hash_token(auth::normalize_access_code(fresh)),
                                 max_uses, domain::unix_now());
    audit(connection, context, event, "invitation.created", "invitation", invitation, nullptr,
          {{"delegation", delegation}});
    return std::pair{invitation, fresh};
  });
  return http::json_response(201, {{"id", id}, {"invitation_code", code}});
}

}  // namespace

db::RegistrationFilter registration_filter(const RequestContext& context) {
  http::Validation validation;
  db::RegistrationFilter filter;
  if (auto delegation = context.query("delegation")) filter.delegation = std::string(*delegation);
  const auto choice = [&](const char* name, auto names, auto& target) {
    if (auto value = context.query(name)) {
      using Enum = typename std::remove_reference_t<decltype(target)>::value_type;
      target = domain::parse_name<Enum>(*value, names);
      if (!target) validation.add(name, "is not a known " + std::string(name));
    }
  };
  choice("category", domain::kCategoryNames, filter.category);
  choice("status", domain::kRegistrationStatusNames, filter.status);
  choice("attendance", domain::kAttendanceNames, filter.attendance);
  if (auto query = context.query("q"); query && !query->empty()) {
    if (!domain::is_valid_utf8(*query)) validation.add("q", "is not valid UTF-8");
    filter.search = domain::search_fold(*query);
  }
  validation.throw_if_invalid();
  return filter;
}

nlohmann::json issue_access(db::Connection& connection, const domain::Event& event, std::int64_t registration_id,
                            std::int64_t now) {
  const std::string code = auth::new_access_code();
  store::replace_access_code(connection, registration_id, auth::hash_token(auth::normalize_access_code(code)), now);
  db::checkin_store::ensure_badge(connection, registration_id, auth::new_token("plb_"), now);
  return {{"access_code", code}, {"access_link", http::sign_in_link(event.slug, auth::normalize_access_code(code))}};
}

void tell_promoted(const RequestContext& context, db::Connection& connection, const domain::Event& event,
                   const db::Rsvp& promoted, std::int64_t now) {
  context.services().live->to_delegate(connection, event, promoted.registration_id, "rsvp.promoted",
                                       {{"session_id", promoted.session_id}, {"status", "confirmed"}}, now);
}

void add_registration_routes(http::Router& router) {
  using auth::Role;
  using http::Access;
  using http::Method;
  const http::RouteOptions hosts{.access = Access::hosts()};
  const http::RouteOptions admin{.access = Access::only({Role::admin})};
  const http::RouteOptions hosts_or_delegate{.access = Access::only({Role::admin, Role::registrar, Role::delegate})};
  const http::RouteOptions delegate{.access = Access::delegates()};
  const std::string base = "/api/v1/events/{slug}/registrations";
  router.add(Method::post, base, create_registration);
  router.add(Method::get, base, list_registrations, hosts);
  router.add(Method::get, base + "/{id}", get_registration, hosts_or_delegate);
  router.add(Method::patch, base + "/{id}", patch_registration, hosts);
  router.add(Method::post, base + "/{id}/approve", approve, hosts);
  router.add(Method::post, base + "/{id}/reject", reject, hosts);
  router.add(Method::post, base + "/{id}/cancel", cancel, hosts);
  router.add(Method::post, base + "/{id}/access-code", reissue_access_code, hosts);
  router.add(Method::delete_, base + "/{id}/access-code", revoke_access_code, hosts);
  router.add(Method::get, "/api/v1/events/{slug}/registration-settings", get_settings, hosts);
  router.add(Method::put, "/api/v1/events/{slug}/registration-settings", put_settings, admin);
  router.add(Method::post, "/api/v1/events/{slug}/invitations", create_invitation, hosts);
  router.add(Method::post, "/api/v1/auth/code", sign_in_with_code);
  router.add(Method::get, "/api/v1/me", get_me, delegate);
  router.add(Method::patch, "/api/v1/me", patch_me, delegate);
}

}  // namespace plenary::api
