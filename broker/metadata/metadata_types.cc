// File: broker/metadata/metadata_types.cc
#include "broker/metadata/metadata_types.h"

namespace sluice::metadata {

std::vector<PartitionRecord> SingleBrokerPartitions(int32_t first, int32_t count,
                                                    int32_t broker_id) {
  std::vector<PartitionRecord> out;
  out.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    PartitionRecord record;
    record.partition = first + i;
    record.replicas = {broker_id};
    record.isr = {broker_id};
    record.leader_id = broker_id;
    record.leader_epoch = 0;
    out.push_back(std::move(record));
  }
  return out;
}

bool IsValidTopicName(const std::string& name) {
  if (name.empty() || name.size() > kMaxTopicNameLength) return false;
  if (name == "." || name == "..") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace sluice::metadata
