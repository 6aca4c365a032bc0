// File: broker/metadata/overlay_reader.h
// A KvReader that shows a base view with pending writes laid over it: the state a batch of
// changes would leave. Used by the change planner; not thread-safe.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/metadata/kv_engine.h"

namespace sluice::metadata {

class OverlayReader : public KvReader {
 public:
  // `base` is borrowed and must outlive this object.
  explicit OverlayReader(KvReader* base) : base_(base) {}

  absl::StatusOr<std::optional<std::string>> Get(Column column, const std::string& key) override;
  absl::StatusOr<KvPairs> Scan(Column column, const std::string& prefix) override;

  void Put(Column column, const std::string& key, std::string value);
  void Delete(Column column, const std::string& key);

  // The net pending writes, one per key touched, in (column, key) order.
  std::vector<KvWrite> Writes() const;

 private:
  using Pending = std::map<std::string, std::optional<std::string>>;
  Pending& PendingFor(Column column) { return pending_[static_cast<size_t>(column)]; }

  KvReader* base_;
  std::array<Pending, std::size(kAllColumns)> pending_;
};

}  // namespace sluice::metadata
