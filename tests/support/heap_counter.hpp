// Counts heap allocations made by a test or benchmark binary (global operator
// new), for allocations per operation and bytes in use. Include in one file of
// a binary. Under AddressSanitizer, whose runtime owns operator new, the bytes
// in use come from the sanitizer's allocator instead (and allocations are not
// counted).
#ifndef TETHER_TESTS_HEAP_COUNTER_HPP
#define TETHER_TESTS_HEAP_COUNTER_HPP

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define TETHER_HEAP_FROM_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TETHER_HEAP_FROM_SANITIZER 1
#endif
#endif

#ifdef TETHER_HEAP_FROM_SANITIZER
#include <sanitizer/allocator_interface.h>
#endif

namespace bench {
inline std::atomic<std::size_t> allocation_count{0};
inline std::atomic<std::size_t> allocated_bytes{0};
inline std::atomic<std::size_t> live_bytes{0};
inline std::atomic<std::size_t> peak_live_bytes{0};

// Heap bytes in use by the whole process right now.
inline std::size_t heap_in_use() {
#ifdef TETHER_HEAP_FROM_SANITIZER
  return __sanitizer_get_current_allocated_bytes();
#else
  return live_bytes.load();
#endif
}
}  // namespace bench

#ifndef TETHER_HEAP_FROM_SANITIZER
// Sized so live_bytes can follow frees: the size is stored before the block.
// Not inlined: g++ -O2 would otherwise pair std::allocator's new with this
// delete's header read and warn (-Warray-bounds, -Wmismatched-new-delete).
#if defined(__GNUC__)
#define TETHER_HEAP_COUNTER_FUNCTION __attribute__((noinline))
#else
#define TETHER_HEAP_COUNTER_FUNCTION
#endif
TETHER_HEAP_COUNTER_FUNCTION void* operator new(std::size_t size) {
  bench::allocation_count.fetch_add(1, std::memory_order_relaxed);
  bench::allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  const std::size_t live = bench::live_bytes.fetch_add(size, std::memory_order_relaxed) + size;
  if (live > bench::peak_live_bytes.load(std::memory_order_relaxed)) bench::peak_live_bytes.store(live);
  auto* block = static_cast<std::size_t*>(std::malloc(size + 16));
  if (block == nullptr) std::abort();
  block[0] = size;
  return reinterpret_cast<char*>(block) + 16;
}
TETHER_HEAP_COUNTER_FUNCTION void operator delete(void* pointer) noexcept {
  if (pointer == nullptr) return;
  auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(pointer) - 16);
  bench::live_bytes.fetch_sub(block[0], std::memory_order_relaxed);
  std::free(block);
}
void operator delete(void* pointer, std::size_t) noexcept { operator delete(pointer); }
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete[](void* pointer) noexcept { operator delete(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { operator delete(pointer); }
#endif

#endif
