#include "broker/server/producer_ids.h"

#include "common/status.h"

namespace sluice::server {

absl::StatusOr<int64_t> ProducerIdAllocator::Next() {
  std::lock_guard<std::mutex> lock(mu_);
  if (next_ == end_) {
    SLUICE_ASSIGN_OR_RETURN(int64_t first, store_.AllocateProducerIdBlock(block_size_));
    next_ = first;
    end_ = first + block_size_;
  }
  return next_++;
}

}  // namespace sluice::server
