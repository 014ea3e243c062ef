// Sign-in and accounts: /api/v1/auth/…, /api/v1/users…
#include "api_common.h"
#include "api_routes.h"
#include "lifeline/core/accounts/accounts.h"
#include "lifeline/core/audit.h"
#include "lifeline/net/router.h"

namespace lifeline::net {
namespace {

json::object user_json(const User& u) {
    json::object o;
    o["id"] = u.id;
    o["username"] = u.username;
    o["role"] = to_string(u.role);
    o["driver_id"] = id_json(u.driver_id);
    o["active"] = u.active;
    if (u.language)
        o["language"] = *u.language;
    else
        o["language"] = nullptr;
    return o;
}

std::optional<Role> read_role(Fields& f, Need need) {
    auto text = f.text("role", need, 20);
    if (!text)
        return std::nullopt;
    auto role = role_from(*text);
    if (!role)
        f.errors().add("role", msg("account.role"));
    return role;
}

Response login(Services& s, Request& req) {
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    auto username = f.text("username", Need::required, 64);
    auto password = f.text("password", Need::required, 128);
    f.finish();
    errs.throw_if_any();
    LoginResult r = s.accounts.login(*username, *password, req.remote);
    json::object o;
    o["token"] = r.token;
    o["expires_at"] = format_instant(r.expires_at);
    o["user"] = user_json(r.user);
    return json_response(200, o);
}

Response logout(Services& s, Request& req) {
    authenticate(s, req);
    auto h = *req.header("Authorization");
    s.accounts.logout(h.substr(h.find(' ') + 1));
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

Response me(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    return json_response(200, user_json(s.accounts.me(a)));
}

// PATCH /api/v1/auth/me {language}: the signed-in user's own UI language.
Response update_me(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    std::optional<std::string> language;
    const bool clear = f.has("language") && f.is_null("language");
    if (clear)
        f.object("language", Need::optional);  // marks the key as known
    else
        language = f.text("language", Need::required, 20);
    f.finish();
    errs.throw_if_any();
    return json_response(200, user_json(s.accounts.set_language(a, language)));
}

Response list_users(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    return json_response(200, page_json(s.accounts.list(a, page_of(req)), user_json));
}

Response get_user(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    return json_response(200, user_json(s.accounts.get(a, path_id(req))));
}

Response create_user(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    if (!a.is_admin())
        throw_forbidden(msg("auth.admin_accounts"));
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    NewUser in;
    in.username = f.text("username", Need::required, 64).value_or("");
    in.password = f.text("password", Need::required, 128).value_or("");
    in.role = read_role(f, Need::required).value_or(Role::driver);
    in.driver_id = f.id("driver_id", Need::optional);
    f.finish();
    errs.throw_if_any();
    User u = s.accounts.create(a, in);
    Response r = json_response(201, user_json(u));
    r.set_header("Location", "/api/v1/users/" + std::to_string(u.id));
    return r;
}

Response update_user(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    if (!a.is_admin())
        throw_forbidden(msg("auth.admin_accounts"));
    UserId id = path_id(req);
    json::object body = parse_object(req);
    FieldErrors errs;
    Fields f(body, errs);
    UserPatch p;
    p.password = f.text("password", Need::optional, 128);
    p.role = read_role(f, Need::optional);
    p.driver_id = f.nullable_id("driver_id");
    p.active = f.boolean("active", Need::optional);
    f.finish();
    errs.throw_if_any();
    return json_response(200, user_json(s.accounts.update(a, id, p)));
}

json::value snapshot_json(const std::string& text) {
    if (text.empty())
        return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec)
        return json::value(text);
    return v;
}

json::object audit_json(const AuditEntry& e) {
    json::object o;
    o["id"] = e.id;
    o["at"] = format_instant(e.at);
    o["user_id"] = e.user_id;
    o["username"] = e.username;
    o["entity"] = e.entity;
    o["entity_id"] = e.entity_id;
    o["action"] = e.action;
    o["before"] = snapshot_json(e.before);
    o["after"] = snapshot_json(e.after);
    o["reason"] = e.reason;
    return o;
}

Response list_audit(Services& s, Request& req) {
    Actor a = authenticate(s, req);
    AuditFilter filter;
    if (auto entity = req.query_param("entity"); entity && !entity->empty())
        filter.entity = std::string(*entity);
    filter.entity_id = query_id(req, "id");
    return json_response(200, page_json(s.audit.list(a, filter, page_of(req)), audit_json));
}

}  // namespace

void register_account_routes(Router& r, Services& s) {
    // Sign-in is safe to retry by nature and never stores its answer (it holds a token).
    r.add("POST", "/api/v1/auth/login", [&s](Request& q) { return login(s, q); });
    r.add("POST", "/api/v1/auth/logout", [&s](Request& q) { return logout(s, q); });
    r.add("GET", "/api/v1/auth/me", [&s](Request& q) { return me(s, q); });
    r.add("PATCH", "/api/v1/auth/me", [&s](Request& q) { return update_me(s, q); });
    r.add("GET", "/api/v1/users", [&s](Request& q) { return list_users(s, q); });
    r.add("POST", "/api/v1/users", idempotent(s, [&s](Request& q) { return create_user(s, q); }));
    r.add("GET", "/api/v1/users/{id}", [&s](Request& q) { return get_user(s, q); });
    r.add("PATCH", "/api/v1/users/{id}", [&s](Request& q) { return update_user(s, q); });
    r.add("GET", "/api/v1/audit", [&s](Request& q) { return list_audit(s, q); });
}

}  // namespace lifeline::net
