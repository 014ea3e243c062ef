#include "lifeline/net/events.h"

#include <charconv>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "lifeline/core/errors.h"

namespace lifeline::net {

namespace {

// The client is asked to wait this long before reconnecting after a drop.
constexpr std::string_view stream_preamble = "retry: 2000\n: lifeline events\n\n";

std::string frame(std::uint64_t id, const std::string& data) {
    return "id: " + std::to_string(id) + "\ndata: " + data + "\n\n";
}

std::optional<std::uint64_t> parse_id(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

}  // namespace

struct EventHub::State {
    struct Stored {
        std::uint64_t id;
        ChangeAudience audience;
        std::string text;  // the whole SSE frame
    };
    struct Subscriber {
        UserId user = 0;
        bool dispatcher = false;
        std::optional<DriverId> driver_id;
        std::string pending;
        std::size_t pending_events = 0;
        std::function<void()> wake;  // empty until the connection starts writing
    };

    EventLimits limits;
    mutable std::mutex mutex;
    std::uint64_t last_id;
    std::deque<Stored> ring;
    std::uint64_t next_key = 1;
    std::unordered_map<std::uint64_t, Subscriber> subscribers;
    std::unordered_map<UserId, int> per_user;

    static bool visible(const Subscriber& sub, const ChangeAudience& audience) {
        return sub.dispatcher || (sub.driver_id && audience.driver_id == sub.driver_id);
    }

    // Under `mutex`. A stream too far behind (a stalled reader) gets one `reset` instead
    // of an ever longer queue: its client reloads what it shows.
    void queue(Subscriber& sub, const std::string& text) {
        if (sub.pending_events >= limits.queued_per_stream) {
            sub.pending.clear();
            sub.pending_events = 0;
            queue(sub, frame(last_id, R"({"type":"reset"})"));
            return;
        }
        const bool was_empty = sub.pending.empty();
        sub.pending += text;
        ++sub.pending_events;
        if (was_empty && sub.wake)
            sub.wake();
    }

    // Under `mutex`: what a client resuming after `after` missed, or a reset when the ring
    // no longer holds it (or the id is not one of this run).
    void queue_missed(Subscriber& sub, std::optional<std::uint64_t> after) {
        const std::uint64_t oldest = ring.empty() ? last_id + 1 : ring.front().id;
        if (!after || *after > last_id || *after + 1 < oldest) {
            queue(sub, frame(last_id, R"({"type":"reset"})"));
            return;
        }
        for (const Stored& e : ring)
            if (e.id > *after && visible(sub, e.audience))
                queue(sub, e.text);
    }

    void release(std::uint64_t key) {
        std::lock_guard lock(mutex);
        auto it = subscribers.find(key);
        if (it == subscribers.end())
            return;
        if (--per_user[it->second.user] <= 0)
            per_user.erase(it->second.user);
        subscribers.erase(it);
    }
};

namespace {

class HubStream : public BodyStream {
  public:
    HubStream(std::shared_ptr<EventHub::State> state, std::uint64_t key)
        : state_(std::move(state)), key_(key) {}
    ~HubStream() override { stop(); }

    void start(std::function<void()> wake) override {
        std::lock_guard lock(state_->mutex);
        auto it = state_->subscribers.find(key_);
        if (it == state_->subscribers.end())
            return;
        it->second.wake = std::move(wake);
        if (!it->second.pending.empty())
            it->second.wake();
    }

    std::string take() override {
        std::lock_guard lock(state_->mutex);
        auto it = state_->subscribers.find(key_);
        if (it == state_->subscribers.end())
            return {};
        it->second.pending_events = 0;
        return std::exchange(it->second.pending, std::string());
    }

    std::string heartbeat() const override { return ": heartbeat\n\n"; }
    std::chrono::milliseconds heartbeat_interval() const override {
        return state_->limits.heartbeat;
    }

    void stop() override {
        if (!stopped_.exchange(true))
            state_->release(key_);
    }

  private:
    std::shared_ptr<EventHub::State> state_;
    std::uint64_t key_;
    std::atomic<bool> stopped_{false};
};

}  // namespace

std::uint64_t first_event_id(const Clock& clock) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch())
            .count();
    return ms > 0 ? std::uint64_t(ms) * 1000 : 0;
}

EventHub::EventHub(std::uint64_t first_id, EventLimits limits) : state_(std::make_shared<State>()) {
    state_->limits = limits;
    state_->last_id = first_id;
}

EventHub::~EventHub() = default;

void EventHub::publish(const ChangeAudience& audience, const std::string& data) {
    std::lock_guard lock(state_->mutex);
    State& st = *state_;
    const std::uint64_t id = ++st.last_id;
    st.ring.push_back({id, audience, frame(id, data)});
    while (st.ring.size() > std::max<std::size_t>(1, st.limits.ring))
        st.ring.pop_front();
    for (auto& [key, sub] : st.subscribers)
        if (State::visible(sub, audience))
            st.queue(sub, st.ring.back().text);
}

std::shared_ptr<BodyStream> EventHub::subscribe(const Actor& actor,
                                                std::optional<std::string_view> last_event_id) {
    std::lock_guard lock(state_->mutex);
    State& st = *state_;
    if (int(st.subscribers.size()) >= st.limits.streams_total)
        throw Error(ErrorKind::unavailable, msg("events.server_full"), std::chrono::seconds{10});
    auto used = st.per_user.find(actor.user_id);
    if (used != st.per_user.end() && used->second >= st.limits.streams_per_user)
        throw Error(ErrorKind::rate_limited,
                    msg("events.too_many_streams", {{"max", st.limits.streams_per_user}}),
                    std::chrono::seconds{10});
    const std::uint64_t key = st.next_key++;
    State::Subscriber& sub = st.subscribers[key];
    sub.user = actor.user_id;
    sub.dispatcher = actor.is_dispatcher();
    sub.driver_id = actor.driver_id;
    ++st.per_user[actor.user_id];
    sub.pending = std::string(stream_preamble);
    if (last_event_id)
        st.queue_missed(sub, parse_id(*last_event_id));
    return std::make_shared<HubStream>(state_, key);
}

std::uint64_t EventHub::last_id() const {
    std::lock_guard lock(state_->mutex);
    return state_->last_id;
}

int EventHub::open_streams() const {
    std::lock_guard lock(state_->mutex);
    return int(state_->subscribers.size());
}

}  // namespace lifeline::net
