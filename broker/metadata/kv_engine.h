// File: broker/metadata/kv_engine.h
// The narrow key-value surface the metadata store is written against. RocksDB provides the
// durable engine (rocksdb_metadata_store.cc); tests/mocks provides an in-memory one. All
// validation, key layout and value encoding live above this interface, so both engines
// behave the same.
//
// Keys and values are opaque bytes. Each key lives in one Column (a RocksDB column family).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sluice::metadata {

enum class Column { kTopics, kPartitions, kConfigs, kCheckpoints, kMeta, kGroups, kOffsets };
inline constexpr Column kAllColumns[] = {
    Column::kTopics, Column::kPartitions, Column::kConfigs, Column::kCheckpoints,
    Column::kMeta,   Column::kGroups,     Column::kOffsets};

// Stable on-disk name of a column: "topics", "partitions", "configs", "checkpoints", "meta",
// "groups", "offsets".
const char* ColumnName(Column column);

struct KvWrite {
  Column column;
  std::string key;
  std::optional<std::string> value;  // nullopt deletes the key.
};

using KvPairs = std::vector<std::pair<std::string, std::string>>;

// A consistent point-in-time view. Owned by one caller; not thread-safe itself.
class KvReader {
 public:
  virtual ~KvReader() = default;
  // nullopt if the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(Column column, const std::string& key) = 0;
  // Every (key, value) whose key starts with `prefix`, in bytewise key order.
  virtual absl::StatusOr<KvPairs> Scan(Column column, const std::string& prefix) = 0;
};

// Thread-safety: NewReader and Write may be called concurrently from any thread.
class KvEngine {
 public:
  virtual ~KvEngine() = default;
  virtual std::unique_ptr<KvReader> NewReader() const = 0;
  // Applies all writes atomically and durably (fsync'd before returning OK), in order.
  virtual absl::Status Write(const std::vector<KvWrite>& writes) = 0;
};

}  // namespace sluice::metadata
