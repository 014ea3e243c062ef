#pragma once
// Live changes for the board: GET /api/v1/events streams them as Server-Sent Events
// (docs/architecture.md, "Live events"). A handler that changed something announces it
// with publish_after_commit (net/src/api_common.h); the database delivers the
// announcement once the write is durable, and the hub numbers it, keeps the recent ones
// in a ring for clients that resume with Last-Event-ID, and hands it to every stream
// allowed to see it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lifeline/core/clock.h"
#include "lifeline/core/model.h"
#include "lifeline/net/http.h"

namespace lifeline::net {

struct EventLimits {
    std::size_t ring = 1024;              // recent events kept for Last-Event-ID
    int streams_per_user = 4;             // beyond: 429
    int streams_total = 200;              // beyond: 503
    std::size_t queued_per_stream = 512;  // a stream further behind gets a `reset`
    std::chrono::milliseconds heartbeat{std::chrono::seconds(15)};
};

// Who a change concerns: every dispatcher, and the one driver named (their own trip or
// route), if any. A driver never receives a change about another driver.
struct ChangeAudience {
    std::optional<DriverId> driver_id;
};

// A first id for a hub started now by `clock`: larger than any id of an earlier run.
std::uint64_t first_event_id(const Clock& clock);

class EventHub {
  public:
    // Ids start after `first_id`: give it something that grows across restarts (the
    // start-up instant in ms × 1000), so an id from before a restart is never mistaken
    // for one of this run.
    explicit EventHub(std::uint64_t first_id, EventLimits limits = {});
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    // Numbers and delivers a change: `data` is a JSON object's text, one line.
    void publish(const ChangeAudience& audience, const std::string& data);

    // A stream for `actor`, resuming after `last_event_id` when given (the missed events
    // still in the ring, or a `reset` event when they are not). Throws Error rate_limited
    // (per user) or unavailable (in total) with a Retry-After.
    std::shared_ptr<BodyStream> subscribe(const Actor& actor,
                                          std::optional<std::string_view> last_event_id);

    std::uint64_t last_id() const;
    int open_streams() const;

    struct State;  // shared with the streams, which may outlive the hub

  private:
    std::shared_ptr<State> state_;
};

}  // namespace lifeline::net
