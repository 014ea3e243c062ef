#pragma once
// Which address a request comes from, for the sign-in limits: the TCP peer, or — only
// when the peer is a proxy the operator trusts (`serve --trust-proxy CIDR`) — the
// right-most X-Forwarded-For address that is not itself a trusted proxy. A client can
// write anything into X-Forwarded-For, so the header counts only from trusted peers,
// and only the hops they appended.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "lifeline/net/http.h"

namespace lifeline::net {

class TrustedProxies {
  public:
    // Adds a network: "10.0.0.0/8", "127.0.0.1/32", "fd00::/8", or a bare address (one
    // host). Throws std::invalid_argument with advice for anything else.
    void add(std::string_view cidr);
    bool empty() const { return nets_.empty(); }
    // True if the IPv4 or IPv6 address text lies in a trusted network.
    bool contains(std::string_view address) const;

    // The client address of a request from `peer` with `headers` (canonical text, an
    // IPv4-mapped IPv6 peer as plain IPv4). Without a trusted peer: the peer itself.
    std::string client_address(const std::string& peer, const std::vector<Header>& headers) const;

  private:
    struct Net {
        std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
        int prefix = 128;
    };
    std::vector<Net> nets_;
};

}  // namespace lifeline::net
