#include "broker/server/topic_table.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::server {

TopicTable::TopicTable(metadata::MetadataStore& store, log::LogManager& logs, int32_t node_id)
    : store_(store), logs_(logs), node_id_(node_id) {}

absl::StatusOr<std::shared_ptr<TopicView>> TopicTable::OpenView(
    const metadata::TopicRecord& record) {
  auto view = std::make_shared<TopicView>();
  view->record = record;
  SLUICE_ASSIGN_OR_RETURN(auto partitions, store_.GetPartitions(record.name));
  for (const auto& p : partitions) {
    SLUICE_ASSIGN_OR_RETURN(auto partition_log, logs_.GetOrCreate(record.name, p.partition));
    view->partitions.push_back(PartitionView{p.partition, p.leader_epoch, partition_log});
  }
  return view;
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
  SLUICE_RETURN_IF_ERROR(store_.Apply({create}));
  SLUICE_ASSIGN_OR_RETURN(auto view, OpenView(create.topic));
  std::unique_lock lock(mu_);
  topics_[spec.name] = view;
  SLUICE_LOG(kInfo) << "created topic " << spec.name << " with " << spec.partitions
                    << " partitions";
  return std::shared_ptr<const TopicView>(view);
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
