#include "session_cache.h"

#include <algorithm>
#include <functional>

namespace lifeline::storage {

SessionCache::SessionCache(std::size_t capacity)
    : per_shard_(std::max<std::size_t>(1, capacity / shard_count)) {}

SessionCache::Shard& SessionCache::shard_of(const std::string& digest) {
    return shards_[std::hash<std::string>{}(digest) % shard_count];
}

std::optional<User> SessionCache::find(const std::string& digest, Instant at) {
    Shard& s = shard_of(digest);
    std::lock_guard lock(s.mutex);
    auto it = s.entries.find(digest);
    if (it == s.entries.end())
        return std::nullopt;
    if (!(it->second.expires > at)) {  // the database's rule: expires_at > now
        s.entries.erase(it);
        return std::nullopt;
    }
    return it->second.user;
}

void SessionCache::put(std::uint64_t epoch, const std::string& digest, const User& user,
                       Instant expires) {
    Shard& s = shard_of(digest);
    std::lock_guard lock(s.mutex);
    // Checked under the shard's lock: a drop bumps the epoch before it takes the locks,
    // so either this sees the new epoch or the drop sees (and removes) this entry.
    if (epoch_.load(std::memory_order_acquire) != epoch)
        return;
    if (s.entries.size() >= per_shard_ && !s.entries.count(digest))
        s.entries.erase(s.entries.begin());
    s.entries.insert_or_assign(digest, Entry{user, expires});
}

void SessionCache::drop_session(const std::string& digest) {
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    Shard& s = shard_of(digest);
    std::lock_guard lock(s.mutex);
    s.entries.erase(digest);
}

void SessionCache::drop_user(UserId user) {
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    for (Shard& s : shards_) {
        std::lock_guard lock(s.mutex);
        std::erase_if(s.entries, [&](const auto& kv) { return kv.second.user.id == user; });
    }
}

std::size_t SessionCache::size() const {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.entries.size();
    }
    return n;
}

}  // namespace lifeline::storage
