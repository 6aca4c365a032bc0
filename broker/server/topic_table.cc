#include "broker/server/topic_table.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "broker/server/log_settings.h"
#include "common/log.h"
#include "common/process_metrics.h"
#include "common/status.h"

namespace sluice::server {
namespace {

// A new partition opens its .log and two index files. Creation is refused up front when
// they would not fit under the open-files limit with room left for clients.
constexpr int64_t kFilesPerNewPartition = 3;
constexpr int64_t kReservedFiles = 256;

}  // namespace

TopicTable::TopicTable(metadata::MetadataStore& store, log::LogManager& logs, int32_t node_id)
    : store_(store), logs_(logs), node_id_(node_id) {}

absl::StatusOr<std::shared_ptr<TopicView>> TopicTable::OpenView(
    const metadata::TopicRecord& record) {
  auto view = std::make_shared<TopicView>();
  view->record = record;
  SLUICE_ASSIGN_OR_RETURN(auto partitions, store_.GetPartitions(record.name));
  const auto offline = logs_.Offline();
  for (const auto& p : partitions) {
    if (offline.contains(log::TopicPartition{record.name, p.partition})) {
      // LogManager::Open logged why; requests for it get errors until it is repaired.
      view->partitions.push_back(PartitionView{p.partition, p.leader_epoch, nullptr});
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(auto partition_log, OpenPartition(record, p.partition));
    view->partitions.push_back(PartitionView{p.partition, p.leader_epoch, partition_log});
  }
  return view;
}

absl::StatusOr<std::shared_ptr<log::PartitionLog>> TopicTable::OpenPartition(
    const metadata::TopicRecord& record, int32_t partition) {
  SLUICE_ASSIGN_OR_RETURN(auto partition_log, logs_.GetOrCreate(record.name, partition));
  if (absl::Status s =
          partition_log->UpdateConfig(TopicLogConfig(record.configs, partition_log->config()));
      !s.ok()) {
    SLUICE_LOG(kWarn) << record.name << "-" << partition
                      << ": topic log settings unusable, keeping the broker's: " << s.message();
  }
  absl::StatusOr<metadata::PartitionCheckpoint> checkpoint =
      store_.GetCheckpoint(record.name, partition);
  if (checkpoint.ok() && checkpoint->log_start_offset > partition_log->log_start_offset()) {
    int64_t start = checkpoint->log_start_offset;
    if (start > partition_log->high_watermark()) {
      // The records up to the stored start were lost (e.g. unsynced data and a crash).
      SLUICE_LOG(kWarn) << record.name << "-" << partition << ": stored log start " << start
                        << " is above the log end; starting at " << partition_log->high_watermark();
      start = partition_log->high_watermark();
    }
    SLUICE_RETURN_IF_ERROR(partition_log->AdvanceLogStartOffset(start).status());
  } else if (!checkpoint.ok() && checkpoint.status().code() != absl::StatusCode::kNotFound) {
    return checkpoint.status();
  }
  return partition_log;
}

absl::Status TopicTable::Load() {
  SLUICE_ASSIGN_OR_RETURN(auto records, store_.ListTopics());
  std::map<std::string, std::shared_ptr<const TopicView>> loaded;
  for (const auto& record : records) {
    auto view = OpenView(record);
    if (!view.ok()) {
      return absl::Status(view.status().code(), absl::StrCat("opening topic ", record.name, ": ",
                                                             view.status().message()));
    }
    loaded[record.name] = *std::move(view);
  }
  std::unique_lock lock(mu_);
  topics_ = std::move(loaded);
  SLUICE_LOG(kInfo) << "loaded " << topics_.size() << " topics";
  return absl::OkStatus();
}

std::shared_ptr<const TopicView> TopicTable::Find(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second;
}

std::shared_ptr<const TopicView> TopicTable::FindById(const metadata::TopicId& id) const {
  std::shared_lock lock(mu_);
  for (const auto& [name, view] : topics_) {
    if (view->record.topic_id == id) return view;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const TopicView>> TopicTable::List() const {
  std::shared_lock lock(mu_);
  std::vector<std::shared_ptr<const TopicView>> out;
  out.reserve(topics_.size());
  for (const auto& [name, view] : topics_) out.push_back(view);
  return out;
}

absl::StatusOr<std::shared_ptr<const TopicView>> TopicTable::Create(const NewTopic& spec) {
  std::lock_guard<std::mutex> change(change_mu_);
  if (Find(spec.name)) {
    return absl::AlreadyExistsError(absl::StrCat("topic '", spec.name, "' already exists"));
  }
  metadata::CreateTopic create;
  create.topic.name = spec.name;
  create.topic.topic_id = metadata::TopicId::Random();
  create.topic.partition_count = spec.partitions;
  create.topic.replication_factor = spec.replication_factor;
  create.topic.configs = spec.configs;
  create.topic.created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  create.partitions = metadata::SingleBrokerPartitions(0, spec.partitions, node_id_);
  SLUICE_RETURN_IF_ERROR(
      CheckOpenFileHeadroom(kFilesPerNewPartition * spec.partitions, kReservedFiles));
  SLUICE_RETURN_IF_ERROR(store_.Apply({create}));
  absl::StatusOr<std::shared_ptr<TopicView>> view = OpenView(create.topic);
  if (!view.ok()) {
    // Undo, so that the topic either exists with every log open or not at all.
    absl::Status undone = store_.Apply({metadata::DeleteTopic{spec.name}});
    if (undone.ok()) undone = logs_.Delete(spec.name);
    SLUICE_LOG(kError) << "creating topic " << spec.name << " failed: " << view.status()
                       << (undone.ok() || absl::IsNotFound(undone)
                               ? std::string("; undone")
                               : absl::StrCat("; undoing failed too: ", undone.message()));
    return view.status();
  }
  std::unique_lock lock(mu_);
  topics_[spec.name] = *view;
  SLUICE_LOG(kInfo) << "created topic " << spec.name << " with " << spec.partitions
                    << " partitions";
  return std::shared_ptr<const TopicView>(*view);
}

absl::Status TopicTable::Delete(const std::string& name) {
  std::lock_guard<std::mutex> change(change_mu_);
  if (!Find(name)) return absl::NotFoundError(absl::StrCat("topic '", name, "' does not exist"));
  SLUICE_RETURN_IF_ERROR(store_.Apply({metadata::DeleteTopic{name}}));
  {
    std::unique_lock lock(mu_);
    topics_.erase(name);
  }
  // Handlers holding an old snapshot keep the log objects alive; once deleted, their
  // calls fail cleanly (kFailedPrecondition) instead of touching removed files.
  absl::Status removed = logs_.Delete(name);
  if (!removed.ok() && removed.code() != absl::StatusCode::kNotFound) return removed;
  SLUICE_LOG(kInfo) << "deleted topic " << name;
  return absl::OkStatus();
}

}  // namespace sluice::server

namespace sluice::server {

absl::Status TopicTable::CheckLogSettings(const std::map<std::string, std::string>& configs) {
  return log::ValidateLogConfig(TopicLogConfig(configs));
}

absl::Status TopicTable::AlterConfigs(
    const std::string& name, const std::map<std::string, std::optional<std::string>>& changes) {
  std::lock_guard<std::mutex> change(change_mu_);
  auto old = Find(name);
  if (!old) return absl::NotFoundError(absl::StrCat("topic '", name, "' does not exist"));
  auto view = std::make_shared<TopicView>(*old);
  std::vector<metadata::MetadataChange> records;
  for (const auto& [key, value] : changes) {
    if (value.has_value()) {
      view->record.configs[key] = *value;
    } else {
      view->record.configs.erase(key);
    }
    records.push_back(metadata::SetTopicConfig{name, key, value});
  }
  SLUICE_RETURN_IF_ERROR(CheckLogSettings(view->record.configs));
  SLUICE_RETURN_IF_ERROR(store_.Apply(records));
  {
    std::unique_lock lock(mu_);
    topics_[name] = view;
  }
  for (const PartitionView& p : view->partitions) {
    if (!p.log) continue;  // offline
    p.log->UpdateConfig(TopicLogConfig(view->record.configs, p.log->config())).IgnoreError();
  }
  SLUICE_LOG(kInfo) << "altered " << changes.size() << " configs of topic " << name;
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const TopicView>> TopicTable::AddPartitions(const std::string& name,
                                                                           int32_t count) {
  std::lock_guard<std::mutex> change(change_mu_);
  auto old = Find(name);
  if (!old) return absl::NotFoundError(absl::StrCat("topic '", name, "' does not exist"));
  const int32_t current = old->record.partition_count;
  if (count <= current) {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", name, " has ", current, " partitions, cannot grow to ", count));
  }
  metadata::SetPartitionCount grow;
  grow.topic = name;
  grow.count = count;
  grow.new_partitions = metadata::SingleBrokerPartitions(current, count - current, node_id_);
  SLUICE_RETURN_IF_ERROR(
      CheckOpenFileHeadroom(kFilesPerNewPartition * (count - current), kReservedFiles));
  SLUICE_RETURN_IF_ERROR(store_.Apply({grow}));
  auto view = std::make_shared<TopicView>(*old);
  view->record.partition_count = count;
  for (const auto& p : grow.new_partitions) {
    SLUICE_ASSIGN_OR_RETURN(auto partition_log, OpenPartition(view->record, p.partition));
    view->partitions.push_back(PartitionView{p.partition, p.leader_epoch, partition_log});
  }
  {
    std::unique_lock lock(mu_);
    topics_[name] = view;
  }
  SLUICE_LOG(kInfo) << "topic " << name << " grew from " << current << " to " << count
                    << " partitions";
  return std::shared_ptr<const TopicView>(view);
}

absl::StatusOr<log::RetentionResult> TopicTable::DeleteRecordsBefore(const std::string& name,
                                                                     int32_t partition,
                                                                     int64_t offset) {
  std::lock_guard<std::mutex> serial(delete_records_mu_);
  auto view = Find(name);
  if (!view || partition < 0 || partition >= static_cast<int32_t>(view->partitions.size())) {
    return absl::NotFoundError(absl::StrCat("unknown partition ", name, "-", partition));
  }
  const auto& partition_log = view->partitions[partition].log;
  if (!partition_log) {
    return absl::UnavailableError(absl::StrCat("partition ", name, "-", partition, " is offline"));
  }
  const int64_t high_watermark = partition_log->high_watermark();
  if (offset == -1) offset = high_watermark;
  if (offset < 0 || offset > high_watermark) {
    return absl::OutOfRangeError(absl::StrCat("offset ", offset, " is outside [0, ", high_watermark,
                                              "] of ", name, "-", partition));
  }
  if (offset > partition_log->log_start_offset()) {
    // Persist first: a crash after this point still moves the start at the next Open.
    metadata::SetPartitionCheckpoint record;
    record.topic = name;
    record.partition = partition;
    absl::StatusOr<metadata::PartitionCheckpoint> stored = store_.GetCheckpoint(name, partition);
    if (stored.ok()) record.checkpoint = *stored;
    if (record.checkpoint.log_start_offset < offset) {
      record.checkpoint.log_start_offset = offset;
      record.checkpoint.high_watermark = std::max(record.checkpoint.high_watermark, offset);
      SLUICE_RETURN_IF_ERROR(store_.Apply({record}));
    }
  }
  return partition_log->AdvanceLogStartOffset(offset);
}

void TopicTable::RefreshLogSettings() {
  for (const auto& view : List()) {
    for (const PartitionView& p : view->partitions) {
      if (!p.log) continue;  // offline
      p.log->UpdateConfig(TopicLogConfig(view->record.configs, p.log->config())).IgnoreError();
    }
  }
}

}  // namespace sluice::server
