#include "lifeline/storage/search_keys.h"

#include <unicode/coll.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "lifeline/storage/phone_numbers.h"

namespace lifeline::storage {
namespace {

// ICU's transliterators and collators are not safe to share between threads: each
// thread (the writer, each reader) uses its own. Building Han-Latin from its rules takes
// 100-200 ms, so it is built once per process and each thread clones it (microseconds).
const icu::Transliterator& pinyin_prototype() {
    static const std::unique_ptr<icu::Transliterator> prototype = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
            "Han-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
        if (U_FAILURE(status) || !made)
            throw std::runtime_error(std::string("ICU Han-Latin transliterator: ") +
                                     u_errorName(status));
        return made;
    }();
    return *prototype;
}

icu::Transliterator& to_pinyin() {
    thread_local std::unique_ptr<icu::Transliterator> t = [] {
        std::unique_ptr<icu::Transliterator> made(pinyin_prototype().clone());
        if (!made)
            throw std::runtime_error("ICU Han-Latin transliterator: clone failed");
        return made;
    }();
    return *t;
}

icu::Collator& pinyin_collator() {
    thread_local std::unique_ptr<icu::Collator> c = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<icu::Collator> made(
            icu::Collator::createInstance(icu::Locale("zh@collation=pinyin"), status));
        if (U_FAILURE(status) || !made)
            throw std::runtime_error(std::string("ICU pinyin collator: ") + u_errorName(status));
        return made;
    }();
    return *c;
}

std::string utf8(const icu::UnicodeString& s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

icu::UnicodeString unicode(std::string_view s) {
    return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), std::int32_t(s.size())));
}

bool is_han(UChar32 c) {
    UErrorCode status = U_ZERO_ERROR;
    return uscript_getScript(c, &status) == USCRIPT_HAN;
}

// Lower case, blanks collapsed to one space, trimmed.
icu::UnicodeString folded(std::string_view text) {
    icu::UnicodeString s = unicode(text);
    s.toLower(icu::Locale::getRoot());
    icu::UnicodeString out;
    bool blank = true;
    for (std::int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
        const UChar32 c = s.char32At(i);
        if (u_isUWhiteSpace(c)) {
            blank = true;
            continue;
        }
        if (blank && !out.isEmpty())
            out.append(UChar32(' '));
        blank = false;
        out.append(c);
    }
    return out;
}

// The pinyin syllables (and Latin words and digit runs) of a text, ASCII lower case.
std::vector<std::string> syllables(const icu::UnicodeString& text) {
    icu::UnicodeString s = text;
    to_pinyin().transliterate(s);
    std::vector<std::string> out;
    std::string word;
    for (char ch : utf8(s)) {
        const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (alnum) {
            word += ch;
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty())
        out.push_back(word);
    return out;
}

std::string joined(const std::vector<std::string>& words, std::size_t from, const char* sep) {
    std::string out;
    for (std::size_t i = from; i < words.size(); ++i) {
        if (i > from)
            out += sep;
        out += words[i];
    }
    return out;
}

std::string initials(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words)
        out += w.front();
    return out;
}

// The name as typed, and from each later character (Chinese) or word (Latin) on.
void add_text_suffixes(std::vector<std::string>& keys, const icu::UnicodeString& name) {
    icu::UnicodeString compact = name;
    compact.findAndReplace(" ", "");
    keys.push_back(utf8(compact));
    for (std::int32_t i = 0; i < name.length(); i = name.moveIndex32(i, 1)) {
        const UChar32 c = name.char32At(i);
        const bool starts = i > 0 && c != ' ' && (is_han(c) || name.charAt(i - 1) == u' ');
        if (!starts)
            continue;
        icu::UnicodeString rest = name.tempSubString(i);
        rest.findAndReplace(" ", "");
        keys.push_back(utf8(rest));
    }
}

void add_pinyin_keys(std::vector<std::string>& keys, const std::vector<std::string>& words,
                     bool suffixes) {
    if (words.empty())
        return;
    keys.push_back(initials(words));
    for (std::size_t from = 0; from < (suffixes ? words.size() : 1); ++from) {
        keys.push_back(joined(words, from, ""));
        keys.push_back(joined(words, from, " "));
    }
}

void sort_unique(std::vector<std::string>& keys) {
    keys.erase(std::remove(keys.begin(), keys.end(), std::string{}), keys.end());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

bool has_ascii_letter(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

bool looks_like_number(std::string_view s) {
    bool digit = false;
    for (char c : s) {
        if (c >= '0' && c <= '9')
            digit = true;
        else if (c != ' ' && c != '-' && c != '+' && c != '(' && c != ')' && c != '.')
            return false;
    }
    return digit;
}

std::string digits_of(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c >= '0' && c <= '9')
            out += c;
    return out;
}

}  // namespace

// ICU reads each character by its most common reading; as a surname several read
// otherwise (单 is Shàn, 曾 Zēng, 解 Xiè…), and people type either. The list holds the
// common surnames of that kind; each reading is a key of the name's first character.
const std::vector<SurnameReadings>& polyphonic_surnames() {
    static const std::vector<SurnameReadings> table{
        {u"单", {"shan", "dan"}}, {u"曾", {"zeng", "ceng"}}, {u"解", {"xie", "jie"}},
        {u"区", {"ou", "qu"}},    {u"仇", {"qiu", "chou"}},  {u"朴", {"piao", "pu"}},
        {u"查", {"zha", "cha"}},  {u"盖", {"ge", "gai"}},    {u"乐", {"yue", "le"}},
        {u"尉", {"yu", "wei"}},   {u"翟", {"zhai", "di"}},   {u"缪", {"miao", "mou"}},
        {u"覃", {"qin", "tan"}},  {u"员", {"yun", "yuan"}},  {u"种", {"chong", "zhong"}},
        {u"繁", {"po", "fan"}},   {u"黑", {"he", "hei"}},    {u"万", {"wan", "mo"}},
    };
    return table;
}

std::vector<std::string> name_search_keys(std::string_view name) {
    const icu::UnicodeString text = folded(name);
    std::vector<std::string> keys;
    if (text.isEmpty())
        return keys;
    add_text_suffixes(keys, text);
    std::vector<std::string> words = syllables(text);
    add_pinyin_keys(keys, words, true);
    if (!words.empty() && is_han(text.char32At(0))) {
        const icu::UnicodeString first = text.tempSubString(0, text.moveIndex32(0, 1));
        for (const SurnameReadings& s : polyphonic_surnames()) {
            if (first != icu::UnicodeString(s.surname.data(), std::int32_t(s.surname.size())))
                continue;
            for (std::string_view reading : s.readings) {
                words.front() = std::string(reading);
                add_pinyin_keys(keys, words, false);
            }
        }
    }
    sort_unique(keys);
    return keys;
}

std::vector<std::string> phone_search_keys(std::string_view phone) {
    std::vector<std::string> keys;
    const std::string all = digits_of(phone);
    if (all.empty())
        return keys;
    keys.push_back(all);
    // The number as dialled at home: its national significant number, and with the
    // trunk prefix 0 that Chinese landlines are written with (0432…).
    const std::string national = national_number(phone).value_or(all);
    for (std::size_t from = 0; from + 3 <= national.size(); ++from)
        keys.push_back(national.substr(from));
    keys.push_back("0" + national);
    sort_unique(keys);
    return keys;
}

std::vector<std::string> search_query_forms(std::string_view query) {
    const icu::UnicodeString text = folded(query);
    std::vector<std::string> forms;
    if (text.isEmpty())
        return forms;
    const std::string plain = utf8(text);
    forms.push_back(plain);
    icu::UnicodeString compact = text;
    compact.findAndReplace(" ", "");
    forms.push_back(utf8(compact));
    const bool ascii = std::all_of(plain.begin(), plain.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (!ascii && has_ascii_letter(plain)) {
        const std::vector<std::string> words = syllables(text);
        forms.push_back(joined(words, 0, ""));
        forms.push_back(joined(words, 0, " "));
    }
    if (looks_like_number(plain))
        forms.push_back(digits_of(plain));
    sort_unique(forms);
    return forms;
}

std::string name_sort_key(std::string_view name) {
    const icu::UnicodeString text = unicode(name);
    icu::Collator& c = pinyin_collator();
    const std::int32_t size = c.getSortKey(text, nullptr, 0);
    std::string key(std::size_t(size), '\0');
    c.getSortKey(text, reinterpret_cast<std::uint8_t*>(key.data()), size);
    // The key ends in a 0 byte that only terminates it; a BLOB needs no terminator.
    if (!key.empty() && key.back() == '\0')
        key.pop_back();
    return key;
}

}  // namespace lifeline::storage
