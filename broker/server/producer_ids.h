// File: broker/server/producer_ids.h
// Hands out producer ids for InitProducerId, reserving them from the metadata store in
// blocks so that most calls touch no disk, and no id is ever handed out twice, across
// restarts too. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>

#include "absl/status/statusor.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::server {

class ProducerIdAllocator {
 public:
  // `store` must outlive the allocator.
  explicit ProducerIdAllocator(metadata::MetadataStore& store, int32_t block_size = 1000)
      : store_(store), block_size_(block_size) {}

  absl::StatusOr<int64_t> Next();

 private:
  metadata::MetadataStore& store_;
  const int32_t block_size_;
  std::mutex mu_;
  int64_t next_ = 0;  // guarded by mu_
  int64_t end_ = 0;   // guarded by mu_; next_ == end_ means the block is used up
};

}  // namespace sluice::server
