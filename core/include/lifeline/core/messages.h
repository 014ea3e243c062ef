#pragma once
// Messages by code. Every refusal Lifeline gives is a stable machine code with named
// parameters ("odometer.below_last" {last: 10052}); the words are rendered from one
// catalog (core/src/messages.cpp) in the reader's language. A message whose code is not in
// the catalog still works: it carries its English text, which every language shows.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lifeline {

enum class Language { zh_CN, en };

// "zh-CN" / "en"; from_tag accepts those two and "zh", "zh-Hans", "en-US", … (any case).
std::string_view to_tag(Language language);
std::optional<Language> language_from_tag(std::string_view tag);

// The best of our languages for an Accept-Language header ("en;q=0.8, zh-CN"): highest
// q first, then the header's order; nothing acceptable gives nullopt.
std::optional<Language> negotiate_language(std::string_view accept_language);

struct MessageParam {
    enum class Kind {
        text,    // shown as is (a name, a date, a field)
        number,  // shown as is; a JSON number in problem+json
        term,    // a word of Lifeline's vocabulary ("cancelled"), translated via "term.<value>"
        code,    // another message's code, rendered with this message's parameters
    };
    std::string name;
    std::string value;
    Kind kind = Kind::text;
};

// One parameter of a message, from a number or a string.
struct Arg {
    Arg(std::string_view n, std::int64_t v);
    Arg(std::string_view n, int v) : Arg(n, std::int64_t{v}) {}
    Arg(std::string_view n, double v);
    Arg(std::string_view n, std::string v);
    Arg(std::string_view n, const char* v) : Arg(n, std::string(v)) {}
    MessageParam param;
};
// A parameter translated from the vocabulary: term("status", "cancelled").
Arg term(std::string_view name, std::string value);

struct Message {
    std::string code;  // empty: not in the catalog (yet); `text` is shown in every language
    std::vector<MessageParam> params;
    std::string text;  // the English rendering (logs, CLI, what())
};

// A catalogued message: msg("odometer.below_last", {{"last", 10052}}).
Message msg(std::string_view code, std::initializer_list<Arg> args = {});
// `outer` with `inner` as its parameter `name`: "the vehicle cannot take the request: {why}".
Message wrap(std::string_view outer, std::string_view name, const Message& inner);
// A message not in the catalog: its English text only.
Message uncatalogued(std::string text);

// The words of `message` in `language`; an unknown code or parameter falls back to the
// message's English text.
std::string render(const Message& message, Language language);

struct CatalogEntry {
    std::string_view code;
    std::string_view en;  // "must be between {min} and {max}"
    std::string_view zh;  // "必须在 {min} 到 {max} 之间"
};
std::span<const CatalogEntry> message_catalog();
const CatalogEntry* find_message(std::string_view code);

}  // namespace lifeline
