// File: broker/server/frame_buffer.h
// The bytes a connection has read and not yet dispatched: whole request frames and the start
// of the next one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace sluice::server {

// Like std::string, but growing does not zero-fill: every new byte is overwritten by the
// socket read that follows, and zero-filling each 1 MB produce frame cost the broker as much
// CPU as a tenth of its copies. Keeps its capacity from frame to frame.
class FrameBuffer {
 public:
  char* data() { return bytes_.get(); }
  const char* data() const { return bytes_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {bytes_.get(), size_}; }

  void clear() { size_ = 0; }

  // Sets the size to `size`; bytes past the old size hold no defined value until written.
  void ResizeUninitialized(size_t size) {
    if (size > capacity_) {
      const size_t capacity = std::max(size, capacity_ * 2);
      std::unique_ptr<char[]> bigger(new char[capacity]);  // default-initialized
      if (size_ > 0) std::memcpy(bigger.get(), bytes_.get(), size_);
      bytes_ = std::move(bigger);
      capacity_ = capacity;
    }
    size_ = size;
  }

 private:
  std::unique_ptr<char[]> bytes_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sluice::server
