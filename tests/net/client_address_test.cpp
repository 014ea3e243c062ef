#include <catch2/catch.hpp>

#include <stdexcept>

#include "lifeline/net/client_address.h"

using namespace lifeline::net;

namespace {

std::vector<Header> forwarded(std::vector<std::string> values) {
    std::vector<Header> h{{"Host", "lifeline"}};
    for (auto& v : values)
        h.push_back({"X-Forwarded-For", std::move(v)});
    return h;
}

}  // namespace

TEST_CASE("the client address is the peer unless the peer is a trusted proxy",
          "[net][client-address]") {
    TrustedProxies none;
    CHECK(none.client_address("203.0.113.9", forwarded({"198.51.100.1"})) == "203.0.113.9");

    TrustedProxies proxies;
    proxies.add("10.0.0.0/8");
    proxies.add("fd00::/8");
    proxies.add("192.0.2.1");
    CHECK(proxies.contains("10.255.0.1"));
    CHECK(proxies.contains("::ffff:10.1.1.1"));
    CHECK(proxies.contains("fd12::1"));
    CHECK(proxies.contains("192.0.2.1"));
    CHECK(!proxies.contains("192.0.2.2"));
    CHECK(!proxies.contains("11.0.0.1"));

    SECTION("an untrusted peer's header is ignored") {
        CHECK(proxies.client_address("203.0.113.9", forwarded({"198.51.100.1"})) == "203.0.113.9");
    }
    SECTION("the right-most address that is not a trusted proxy") {
        CHECK(proxies.client_address(
                  "10.0.0.1", forwarded({"192.0.2.99, 198.51.100.1, 10.9.9.9"})) == "198.51.100.1");
        // Several header lines are one list, in order.
        CHECK(proxies.client_address("10.0.0.1", forwarded({"192.0.2.99", "198.51.100.1"})) ==
              "198.51.100.1");
        CHECK(proxies.client_address("10.0.0.1", forwarded({"[2001:db8::7]:4711"})) ==
              "2001:db8::7");
        CHECK(proxies.client_address("10.0.0.1", forwarded({"198.51.100.1:4711"})) ==
              "198.51.100.1");
    }
    SECTION("without a header, or only trusted hops, the left-most known address") {
        CHECK(proxies.client_address("10.0.0.1", forwarded({})) == "10.0.0.1");
        CHECK(proxies.client_address("10.0.0.1", forwarded({"10.0.0.2, 10.0.0.3"})) == "10.0.0.2");
    }
    SECTION("garbage stops the walk at the last trusted hop") {
        CHECK(proxies.client_address("10.0.0.1", forwarded({"198.51.100.1, not-an-ip"})) ==
              "10.0.0.1");
    }
    SECTION("an IPv4-mapped peer is its IPv4 address") {
        CHECK(none.client_address("::ffff:203.0.113.9", {}) == "203.0.113.9");
    }
}

TEST_CASE("a trusted proxy network must be an address or CIDR", "[net][client-address]") {
    TrustedProxies p;
    for (const char* bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "fd00::/129", "proxy"}) {
        INFO(bad);
        CHECK_THROWS_AS(p.add(bad), std::invalid_argument);
    }
    CHECK(p.empty());
    p.add("0.0.0.0/0");
    CHECK(p.contains("203.0.113.9"));
    CHECK(!p.contains("2001:db8::1"));
}
