// File: broker/metadata/kv_metadata_store.h
// The MetadataStore logic, written once over a KvEngine: validation and planning
// (change_planner.h), encoding (metadata_codec.h), locking, the cluster id and producer ids.
// OpenRocksDbMetadataStore() wraps RocksDB in it; tests wrap an in-memory engine.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::metadata {

// Takes ownership of `engine`. If the engine holds no cluster id yet, generates one and
// writes it. Fails with the engine's error, or kDataLoss if the stored cluster id or
// producer id counter is unreadable.
// REQUIRES: engine != nullptr and nothing else writes to it while the store exists.
absl::StatusOr<std::unique_ptr<MetadataStore>> NewKvMetadataStore(std::unique_ptr<KvEngine> engine);

}  // namespace sluice::metadata
