// GET /healthz proves the database with a read at most every 250 ms (ReadProbe): a flood
// of probes costs one read per interval, and a failed read is never remembered.
#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "lifeline/net/read_probe.h"

using lifeline::net::ReadProbe;
using namespace std::chrono_literals;

TEST_CASE("a flood of probes reads once per interval", "[net][healthz]") {
    int reads = 0;
    ReadProbe probe([&] { ++reads; }, 10s);
    for (int i = 0; i < 1000; ++i)
        probe.check();
    CHECK(reads == 1);
}

TEST_CASE("a probe after the interval reads again", "[net][healthz]") {
    int reads = 0;
    ReadProbe probe([&] { ++reads; }, 50ms);
    probe.check();
    probe.check();
    CHECK(reads == 1);
    std::this_thread::sleep_for(80ms);
    probe.check();
    probe.check();
    CHECK(reads == 2);
}

TEST_CASE("a failed read fails the probe and is tried again at the next one", "[net][healthz]") {
    int reads = 0;
    bool failing = true;
    ReadProbe probe(
        [&] {
            ++reads;
            if (failing)
                throw std::runtime_error("database unreadable");
        },
        10s);
    CHECK_THROWS(probe.check());
    CHECK_THROWS(probe.check());
    CHECK(reads == 2);  // not remembered: each probe read again
    failing = false;
    probe.check();
    probe.check();
    CHECK(reads == 3);  // read once it answered, then remembered
}
