// File: broker/metadata/overlay_reader.cc
#include "broker/metadata/overlay_reader.h"

#include <utility>

#include "common/status.h"

namespace sluice::metadata {

absl::StatusOr<std::optional<std::string>> OverlayReader::Get(Column column,
                                                              const std::string& key) {
  const Pending& pending = PendingFor(column);
  auto it = pending.find(key);
  if (it != pending.end()) return it->second;
  return base_->Get(column, key);
}

absl::StatusOr<KvPairs> OverlayReader::Scan(Column column, const std::string& prefix) {
  SLUICE_ASSIGN_OR_RETURN(KvPairs base_pairs, base_->Scan(column, prefix));
  std::map<std::string, std::string> merged(std::make_move_iterator(base_pairs.begin()),
                                            std::make_move_iterator(base_pairs.end()));
  const Pending& pending = PendingFor(column);
  for (auto it = pending.lower_bound(prefix);
       it != pending.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (it->second.has_value()) {
      merged[it->first] = *it->second;
    } else {
      merged.erase(it->first);
    }
  }
  return KvPairs(std::make_move_iterator(merged.begin()), std::make_move_iterator(merged.end()));
}

void OverlayReader::Put(Column column, const std::string& key, std::string value) {
  PendingFor(column)[key] = std::move(value);
}

void OverlayReader::Delete(Column column, const std::string& key) {
  PendingFor(column)[key] = std::nullopt;
}

std::vector<KvWrite> OverlayReader::Writes() const {
  std::vector<KvWrite> writes;
  for (Column column : kAllColumns) {
    for (const auto& [key, value] : pending_[static_cast<size_t>(column)]) {
      writes.push_back(KvWrite{column, key, value});
    }
  }
  return writes;
}

}  // namespace sluice::metadata
