#include "lifeline/core/accounts/sign_in_guard.h"

#include <algorithm>

namespace lifeline {
namespace {

// Usernames may hold any byte at sign-in (they are only looked up): a length prefix
// keeps ("a:b", "c") and ("a", "b:c") apart.
std::string pair_key(const std::string& username, const std::string& address) {
    return std::to_string(username.size()) + ':' + username + address;
}

void push_capped(std::deque<Instant>& times, Instant at, int cap) {
    times.push_back(at);
    while (int(times.size()) > std::max(cap, 1))
        times.pop_front();
}

std::chrono::seconds at_least_one(std::chrono::seconds s) {
    return std::max(s, std::chrono::seconds{1});
}

}  // namespace

void SignInLimiter::prune(Track& t, Instant at) const {
    while (!t.failures.empty() && t.failures.front() + limits_.window <= at)
        t.failures.pop_front();
}

void SignInLimiter::take_back(Track& t, Instant at) {
    auto it = std::find(t.failures.rbegin(), t.failures.rend(), at);
    if (it != t.failures.rend())
        t.failures.erase(std::next(it).base());
}

SignInRefusal SignInLimiter::admit(const std::string& username, const std::string& address,
                                   Instant at) {
    std::lock_guard lock(mutex_);
    if (++admits_since_sweep_ >= 256)
        sweep(at);
    const std::string key = pair_key(username, address);
    static const Track none;
    auto find = [&](std::map<std::string, Track>& map, const std::string& k) -> const Track& {
        auto it = map.find(k);
        if (it == map.end())
            return none;
        prune(it->second, at);
        return it->second;
    };
    auto until = [&](Instant t) {
        return at_least_one(std::chrono::duration_cast<std::chrono::seconds>(t - at));
    };

    const Track& pair = find(pairs_, key);
    if (int(pair.failures.size()) >= limits_.pair_failures)
        return {SignInRefusal::Reason::pair, until(pair.failures.front() + limits_.window)};
    const bool fresh_pair = pair.failures.empty();

    const Track& user = find(users_, username);
    if (!fresh_pair && int(user.failures.size()) >= limits_.slow_after &&
        at < user.last_admitted + limits_.slow_interval)
        return {SignInRefusal::Reason::username, until(user.last_admitted + limits_.slow_interval)};

    const Track& addr = find(addresses_, address);
    if (int(addr.failures.size()) >= limits_.slow_after &&
        at < addr.last_admitted + limits_.slow_interval)
        return {SignInRefusal::Reason::address, until(addr.last_admitted + limits_.slow_interval)};

    // Admitted: counted as a failure now, before the password is checked.
    push_capped(pairs_[key].failures, at, limits_.pair_failures);
    Track& u = users_[username];
    push_capped(u.failures, at, limits_.slow_after);
    u.last_admitted = at;
    Track& a = addresses_[address];
    push_capped(a.failures, at, limits_.slow_after);
    a.last_admitted = at;
    return {};
}

void SignInLimiter::succeeded(const std::string& username, const std::string& address, Instant at) {
    std::lock_guard lock(mutex_);
    pairs_.erase(pair_key(username, address));
    if (auto it = users_.find(username); it != users_.end())
        take_back(it->second, at);
    if (auto it = addresses_.find(address); it != addresses_.end())
        take_back(it->second, at);
}

void SignInLimiter::cancelled(const std::string& username, const std::string& address, Instant at) {
    std::lock_guard lock(mutex_);
    if (auto it = pairs_.find(pair_key(username, address)); it != pairs_.end())
        take_back(it->second, at);
    if (auto it = users_.find(username); it != users_.end())
        take_back(it->second, at);
    if (auto it = addresses_.find(address); it != addresses_.end())
        take_back(it->second, at);
}

// Forgets keys with nothing left in the window, so memory follows recent failures only.
void SignInLimiter::sweep(Instant at) {
    admits_since_sweep_ = 0;
    for (auto* map : {&pairs_, &users_, &addresses_}) {
        for (auto it = map->begin(); it != map->end();) {
            prune(it->second, at);
            if (it->second.failures.empty() &&
                it->second.last_admitted + limits_.slow_interval <= at)
                it = map->erase(it);
            else
                ++it;
        }
    }
}

std::size_t SignInLimiter::tracked() const {
    std::lock_guard lock(mutex_);
    return pairs_.size() + users_.size() + addresses_.size();
}

HashGate::HashGate(int slots, int waiting, std::chrono::milliseconds max_wait)
    : slots_(std::max(1, slots)), waiting_(std::max(0, waiting)), max_wait_(max_wait) {}

HashGate::Slot::~Slot() {
    if (gate_)
        gate_->leave();
}

HashGate::Slot HashGate::enter() {
    std::unique_lock lock(mutex_);
    if (running_ < slots_) {
        ++running_;
        return Slot(this);
    }
    if (queued_ >= waiting_)
        return Slot();
    ++queued_;
    const bool got = freed_.wait_for(lock, max_wait_, [&] { return running_ < slots_; });
    --queued_;
    if (!got)
        return Slot();
    ++running_;
    return Slot(this);
}

void HashGate::leave() {
    {
        std::lock_guard lock(mutex_);
        --running_;
    }
    freed_.notify_one();
}

}  // namespace lifeline
