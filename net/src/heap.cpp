#include "lifeline/net/heap.h"

#if __has_include(<malloc.h>)
#include <malloc.h>  // defines __GLIBC__ on glibc
#endif

namespace lifeline::net {

void release_free_heap() noexcept {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void bound_heap_retention() noexcept {
#if defined(__GLIBC__)
    constexpr int threshold = 128 * 1024;
    mallopt(M_MMAP_THRESHOLD, threshold);
    mallopt(M_TRIM_THRESHOLD, threshold);
#endif
}

}  // namespace lifeline::net
