#include "lifeline/core/messages.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "message_catalog.h"

namespace lifeline {
namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// q of one Accept-Language item's parameters (";q=0.8"); 1 when absent, -1 when malformed.
double quality(std::string_view params) {
    double q = 1;
    while (!params.empty()) {
        const auto semi = params.find(';');
        std::string_view p = trim(params.substr(0, semi));
        params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
        if (p.size() < 2 || lower(p[0]) != 'q' || p[1] != '=')
            continue;
        p.remove_prefix(2);
        q = 0;
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), q);
        if (ec != std::errc() || end != p.data() + p.size() || q < 0 || q > 1)
            return -1;
    }
    return q;
}

std::string format_number(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return std::to_string(static_cast<std::int64_t>(v));
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

const MessageParam* find_param(const Message& m, std::string_view name) {
    for (const auto& p : m.params)
        if (p.name == name)
            return &p;
    return nullptr;
}

std::optional<std::string> fill(std::string_view pattern, const Message& m, Language language,
                                int depth = 0);

std::optional<std::string> param_text(const MessageParam& p, const Message& m, Language language,
                                      int depth) {
    if (p.kind == MessageParam::Kind::text || p.kind == MessageParam::Kind::number)
        return p.value;
    const CatalogEntry* e =
        find_message(p.kind == MessageParam::Kind::term ? "term." + p.value : p.value);
    if (!e)
        return p.kind == MessageParam::Kind::term ? std::optional(p.value) : std::nullopt;
    if (depth > 2)
        return std::nullopt;
    return fill(language == Language::en ? e->en : e->zh, m, language, depth + 1);
}

// Fills "{name}" from the parameters; nullopt when one is missing.
std::optional<std::string> fill(std::string_view pattern, const Message& m, Language language,
                                int depth) {
    std::string out;
    out.reserve(pattern.size() + 16);
    while (!pattern.empty()) {
        const auto open = pattern.find('{');
        out += pattern.substr(0, open);
        if (open == std::string_view::npos)
            break;
        const auto close = pattern.find('}', open);
        if (close == std::string_view::npos)
            return std::nullopt;
        const MessageParam* p = find_param(m, pattern.substr(open + 1, close - open - 1));
        if (!p)
            return std::nullopt;
        auto text = param_text(*p, m, language, depth);
        if (!text)
            return std::nullopt;
        out += *text;
        pattern.remove_prefix(close + 1);
    }
    return out;
}

}  // namespace

std::string_view to_tag(Language language) {
    return language == Language::en ? "en" : "zh-CN";
}

std::optional<Language> language_from_tag(std::string_view tag) {
    const std::string t = lowered(trim(tag));
    auto primary = [&](std::string_view p) {
        return t == p ||
               (t.size() > p.size() && t.compare(0, p.size(), p) == 0 && t[p.size()] == '-');
    };
    if (primary("zh"))
        return Language::zh_CN;
    if (primary("en"))
        return Language::en;
    return std::nullopt;
}

std::optional<Language> negotiate_language(std::string_view header) {
    std::optional<Language> best;
    double best_q = 0;
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const auto semi = item.find(';');
        const std::string_view tag = trim(item.substr(0, semi));
        const double q = semi == std::string_view::npos ? 1 : quality(item.substr(semi + 1));
        const auto language = language_from_tag(tag);
        if (language && q > best_q) {
            best = language;
            best_q = q;
        }
    }
    return best;
}

Arg::Arg(std::string_view n, std::int64_t v)
    : param{std::string(n), std::to_string(v), MessageParam::Kind::number} {}
Arg::Arg(std::string_view n, double v)
    : param{std::string(n), format_number(v), MessageParam::Kind::number} {}
Arg::Arg(std::string_view n, std::string v)
    : param{std::string(n), std::move(v), MessageParam::Kind::text} {}

Arg term(std::string_view name, std::string value) {
    Arg a(name, std::move(value));
    a.param.kind = MessageParam::Kind::term;
    return a;
}

Message wrap(std::string_view outer, std::string_view name, const Message& inner) {
    Message m;
    m.code = std::string(outer);
    m.params = inner.params;
    m.params.push_back({std::string(name), inner.code, MessageParam::Kind::code});
    const CatalogEntry* e = find_message(outer);
    auto text = e && !inner.code.empty() ? fill(e->en, m, Language::en) : std::nullopt;
    m.text = text ? *text : inner.text;
    if (inner.code.empty())
        m.code.clear();  // the inner words are not catalogued: keep them as they are
    return m;
}

Message msg(std::string_view code, std::initializer_list<Arg> args) {
    Message m;
    m.code = std::string(code);
    for (const auto& a : args)
        m.params.push_back(a.param);
    const CatalogEntry* e = find_message(code);
    auto text = e ? fill(e->en, m, Language::en) : std::nullopt;
    m.text = text ? *text : m.code;
    return m;
}

Message uncatalogued(std::string text) {
    return Message{{}, {}, std::move(text)};
}

std::string render(const Message& message, Language language) {
    if (message.code.empty())
        return message.text;
    const CatalogEntry* e = find_message(message.code);
    if (!e)
        return message.text;
    auto text = fill(language == Language::en ? e->en : e->zh, message, language);
    return text ? *text : message.text;
}

std::span<const CatalogEntry> message_catalog() {
    return catalog_entries;
}

const CatalogEntry* find_message(std::string_view code) {
    for (const auto& e : catalog_entries)
        if (e.code == code)
            return &e;
    return nullptr;
}

}  // namespace lifeline
