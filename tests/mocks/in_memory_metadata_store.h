// File: tests/mocks/in_memory_metadata_store.h
// A MetadataStore kept in memory, for tests of modules that use metadata (handlers, group
// coordinator) without a disk. It runs the real store logic (validation, encoding, locking)
// over an in-memory KvEngine, so it accepts and rejects exactly what the RocksDB store does;
// only durability differs. Header-only so any test target can use it by linking
// sluice::metadata and absl::synchronization.
#pragma once

#include <array>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "broker/metadata/kv_engine.h"
#include "broker/metadata/kv_metadata_store.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::fakes {

// Copy-on-write maps: a reader keeps the version that was current when it was created, so
// reads are consistent snapshots just like RocksDB's. Thread-safe.
class InMemoryKvEngine final : public metadata::KvEngine {
 public:
  using Table = std::map<std::string, std::string>;
  using Tables = std::array<Table, std::size(metadata::kAllColumns)>;

  std::unique_ptr<metadata::KvReader> NewReader() const override {
    absl::MutexLock lock(&mu_);
    return std::make_unique<Reader>(tables_);
  }

  absl::Status Write(const std::vector<metadata::KvWrite>& writes) override {
    absl::MutexLock lock(&mu_);
    auto next = std::make_shared<Tables>(*tables_);
    for (const metadata::KvWrite& write : writes) {
      Table& table = (*next)[static_cast<size_t>(write.column)];
      if (write.value.has_value()) {
        table[write.key] = *write.value;
      } else {
        table.erase(write.key);
      }
    }
    tables_ = std::move(next);
    return absl::OkStatus();
  }

 private:
  class Reader final : public metadata::KvReader {
   public:
    explicit Reader(std::shared_ptr<const Tables> tables) : tables_(std::move(tables)) {}

    absl::StatusOr<std::optional<std::string>> Get(metadata::Column column,
                                                   const std::string& key) override {
      const Table& table = (*tables_)[static_cast<size_t>(column)];
      auto it = table.find(key);
      if (it == table.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    }

    absl::StatusOr<metadata::KvPairs> Scan(metadata::Column column,
                                           const std::string& prefix) override {
      const Table& table = (*tables_)[static_cast<size_t>(column)];
      metadata::KvPairs pairs;
      for (auto it = table.lower_bound(prefix);
           it != table.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        pairs.emplace_back(it->first, it->second);
      }
      return pairs;
    }

   private:
    std::shared_ptr<const Tables> tables_;
  };

  mutable absl::Mutex mu_;
  std::shared_ptr<const Tables> tables_ ABSL_GUARDED_BY(mu_) = std::make_shared<Tables>();
};

// A fresh, empty store with a random cluster id. Never fails in practice (the in-memory
// engine cannot fail); returns the StatusOr for symmetry with OpenRocksDbMetadataStore.
inline absl::StatusOr<std::unique_ptr<metadata::MetadataStore>> NewInMemoryMetadataStore() {
  return metadata::NewKvMetadataStore(std::make_unique<InMemoryKvEngine>());
}

}  // namespace sluice::fakes
