// File: broker/metadata/rocksdb_metadata_store.h
// The durable MetadataStore: a RocksDB database with one column family per kind of record
// (see metadata_codec.h for the layout). RocksDB itself is private to the .cc.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::metadata {

// Opens (creating it and any missing parent directories if needed) the metadata database in
// directory `path`. On first open generates and persists the cluster id.
// Errors:
//   kFailedPrecondition  the directory is locked: another broker process (or another store
//                        in this process) is using it;
//   kDataLoss            RocksDB reports corruption, or a stored meta value is unreadable;
//   kInternal            any other I/O failure (message includes RocksDB's).
// The store keeps the directory locked until it is destroyed. Every write is fsync'd.
absl::StatusOr<std::unique_ptr<MetadataStore>> OpenRocksDbMetadataStore(const std::string& path);

}  // namespace sluice::metadata
