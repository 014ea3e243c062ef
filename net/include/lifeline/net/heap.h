#pragma once
// Giving freed heap memory back to the operating system, at the edge where the C
// library is known (glibc here); core stays free of it.

namespace lifeline::net {

// After a burst of allocation on short-lived threads (the planner's search threads),
// glibc keeps the freed memory of their arenas mapped: the server's RSS would stay at
// its peak, plan after plan. This returns free pages of every arena to the system.
// A no-op with other C libraries.
void release_free_heap() noexcept;

// Called once at start-up by `lifeline serve`: fixes glibc's mmap and trim thresholds at
// their initial 128 KiB. Left dynamic, glibc raises both after the first large block
// is freed (up to 32 MiB), after which every worker thread's arena keeps a top of that
// size mapped, and release_free_heap() cannot return it. A no-op elsewhere.
void bound_heap_retention() noexcept;

}  // namespace lifeline::net
