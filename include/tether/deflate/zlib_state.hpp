// tether — header-only, sans-IO WebSocket (RFC 6455). Boost Software License 1.0.
#ifndef TETHER_DEFLATE_ZLIB_STATE_HPP
#define TETHER_DEFLATE_ZLIB_STATE_HPP

// Where zlib's memory comes from, and the heap block that holds one z_stream.
// The engines allocate that block only while they need zlib state, so an
// engine object is small, movable, and holds no memory between messages when
// no context takeover applies (RFC 7692 §7.1.1).

#include <zlib.h>

#include <climits>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace tether {

// Allocation hooks for zlib's state (zalloc/zfree). Both null: malloc/free.
// allocate returns null when out of memory; the engine then fails with
// error::zlib_error. The hooks are called only from the engine's own calls.
struct deflate_allocator {
  void* (*allocate)(void* context, std::size_t size) = nullptr;
  void (*deallocate)(void* context, void* pointer) = nullptr;
  void* context = nullptr;
};

namespace detail {

inline void* allocate_bytes(const deflate_allocator& allocator, std::size_t size) noexcept {
  return allocator.allocate != nullptr ? allocator.allocate(allocator.context, size) : std::malloc(size);
}

inline void free_bytes(const deflate_allocator& allocator, void* pointer) noexcept {
  if (pointer == nullptr) return;
  if (allocator.deallocate != nullptr) {
    allocator.deallocate(allocator.context, pointer);
  } else {
    std::free(pointer);
  }
}

// zlib's alloc_func and free_func; opaque points at the holder's allocator.
inline voidpf zlib_allocate(voidpf opaque, uInt items, uInt size) {
  return allocate_bytes(*static_cast<const deflate_allocator*>(opaque), std::size_t{items} * std::size_t{size});
}
inline void zlib_free(voidpf opaque, voidpf pointer) {
  free_bytes(*static_cast<const deflate_allocator*>(opaque), pointer);
}

// One z_stream and what goes with it, in one block from the allocator (zlib's
// internal state points back at the z_stream, so it must not move).
struct zlib_holder {
  z_stream stream{};
  deflate_allocator allocator;
  unsigned char* window_copy = nullptr;  // inflater only, see message_inflater::continue_after_final_block

  static zlib_holder* create(const deflate_allocator& allocator) noexcept {
    void* memory = allocate_bytes(allocator, sizeof(zlib_holder));
    if (memory == nullptr) return nullptr;
    auto* holder = new (memory) zlib_holder;
    holder->allocator = allocator;
    holder->stream.zalloc = zlib_allocate;
    holder->stream.zfree = zlib_free;
    holder->stream.opaque = &holder->allocator;
    return holder;
  }

  // The caller has ended the stream (inflateEnd / deflateEnd) or never began it.
  static void destroy(zlib_holder* holder) noexcept {
    if (holder == nullptr) return;
    const deflate_allocator allocator = holder->allocator;
    free_bytes(allocator, holder->window_copy);
    holder->~zlib_holder();
    free_bytes(allocator, holder);
  }
};

// Owns one zlib_holder whose stream was begun by inflateInit2 or deflateInit2;
// End (inflateEnd or deflateEnd) ends it. Move-only, empty when not open.
template <int (*End)(z_streamp)>
class zlib_handle {
 public:
  zlib_handle() noexcept = default;
  ~zlib_handle() { close(); }
  zlib_handle(const zlib_handle&) = delete;
  zlib_handle& operator=(const zlib_handle&) = delete;
  zlib_handle(zlib_handle&& other) noexcept : holder_(other.holder_) { other.holder_ = nullptr; }
  zlib_handle& operator=(zlib_handle&& other) noexcept {
    if (this != &other) {
      close();
      holder_ = other.holder_;
      other.holder_ = nullptr;
    }
    return *this;
  }

  // Allocates the holder and begins its stream with begin(z_stream&), which
  // returns a zlib code; false (and nothing held) when either fails.
  template <class Begin>
  bool open(const deflate_allocator& allocator, Begin&& begin) noexcept {
    holder_ = zlib_holder::create(allocator);
    if (holder_ == nullptr) return false;
    if (begin(holder_->stream) != Z_OK) {
      zlib_holder::destroy(holder_);
      holder_ = nullptr;
      return false;
    }
    return true;
  }

  void close() noexcept {
    if (holder_ == nullptr) return;
    End(&holder_->stream);
    zlib_holder::destroy(holder_);
    holder_ = nullptr;
  }

  bool is_open() const noexcept { return holder_ != nullptr; }
  zlib_holder& operator*() const noexcept { return *holder_; }
  zlib_holder* operator->() const noexcept { return holder_; }

 private:
  zlib_holder* holder_ = nullptr;
};

// zlib counts in uInt: longer spans go in pieces.
inline uInt zlib_size(std::size_t size) noexcept { return size > UINT_MAX ? UINT_MAX : static_cast<uInt>(size); }

}  // namespace detail
}  // namespace tether

#endif
