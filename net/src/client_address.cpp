#include "lifeline/net/client_address.h"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace lifeline::net {
namespace {

namespace ip = boost::asio::ip;

// IPv4-mapped IPv6 ("::ffff:10.0.0.1") is the IPv4 address it maps.
ip::address plain(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

std::optional<ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(text), ec);
    if (ec)
        return std::nullopt;
    return plain(a);
}

std::array<unsigned char, 16> as_v6_bytes(const ip::address& a) {
    if (a.is_v4())
        return ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes();
    return a.to_v6().to_bytes();
}

bool in_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& net,
               int prefix) {
    for (int bit = 0; bit < prefix; bit += 8) {
        const int take = std::min(8, prefix - bit);
        const auto mask = static_cast<unsigned char>(0xff << (8 - take));
        const auto i = static_cast<std::size_t>(bit / 8);
        if ((a[i] & mask) != (net[i] & mask))
            return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// One X-Forwarded-For entry: "203.0.113.7", "2001:db8::1", "[2001:db8::1]:4711" or
// "203.0.113.7:4711" (some proxies add the port).
std::optional<ip::address> parse_hop(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        return parse_address(s.substr(1, close - 1));
    }
    if (std::count(s.begin(), s.end(), ':') == 1)
        s = s.substr(0, s.find(':'));
    return parse_address(s);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

void TrustedProxies::add(std::string_view cidr) {
    const auto bad = [&] {
        return std::invalid_argument("'" + std::string(cidr) +
                                     "' is not an address or a network; write e.g. 10.0.0.0/8, "
                                     "192.168.1.10 or fd00::/8");
    };
    const auto slash = cidr.find('/');
    auto address = parse_address(cidr.substr(0, slash));
    if (!address)
        throw bad();
    const bool v4 = address->is_v4();
    int prefix = v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
        const auto digits = cidr.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw bad();
        prefix = std::stoi(std::string(digits));
        if (prefix > (v4 ? 32 : 128))
            throw bad();
    }
    nets_.push_back({as_v6_bytes(*address), v4 ? prefix + 96 : prefix});
}

bool TrustedProxies::contains(std::string_view address) const {
    auto a = parse_address(address);
    if (!a)
        return false;
    const auto bytes = as_v6_bytes(*a);
    return std::any_of(nets_.begin(), nets_.end(),
                       [&](const Net& n) { return in_prefix(bytes, n.bytes, n.prefix); });
}

std::string TrustedProxies::client_address(const std::string& peer,
                                           const std::vector<Header>& headers) const {
    auto peer_address = parse_address(peer);
    std::string client = peer_address ? peer_address->to_string() : peer;
    if (nets_.empty() || !contains(client))
        return client;
    // Every X-Forwarded-For line, in order, is one list; the right-most hops were
    // appended by the proxies nearest to us.
    std::vector<std::string_view> hops;
    for (const auto& h : headers) {
        if (!iequals(h.name, "X-Forwarded-For"))
            continue;
        std::string_view rest = h.value;
        for (;;) {
            const auto comma = rest.find(',');
            hops.push_back(rest.substr(0, comma));
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        auto hop = parse_hop(*it);
        if (!hop)
            break;  // garbage from beyond the last trusted hop: that hop is all we know
        client = hop->to_string();
        if (!contains(client))
            break;
    }
    return client;
}

}  // namespace lifeline::net
