#include "lifeline/net/http.h"

#include <algorithm>
#include <cctype>

namespace lifeline::net {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::optional<std::string_view> find_pair(
    const std::vector<std::pair<std::string, std::string>>& pairs, std::string_view name) {
    for (const auto& [key, value] : pairs) {
        if (key == name)
            return std::string_view(value);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (iequals(h.name, name))
            return std::string_view(h.value);
    }
    return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
    return find_pair(query, name);
}

std::optional<std::string_view> Request::param(std::string_view name) const {
    return find_pair(params, name);
}

void Response::set_header(std::string name, std::string value) {
    for (auto& h : headers) {
        if (iequals(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    }
    headers.push_back({std::move(name), std::move(value)});
}

}  // namespace lifeline::net
