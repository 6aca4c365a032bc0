// File: broker/metadata/kv_metadata_store.cc
#include "broker/metadata/kv_metadata_store.h"

#include <limits>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "broker/metadata/change_planner.h"
#include "broker/metadata/metadata_codec.h"
#include "broker/metadata/metadata_reads.h"
#include "common/status.h"

namespace sluice::metadata {
namespace {

class KvMetadataStore final : public MetadataStore {
 public:
  explicit KvMetadataStore(std::unique_ptr<KvEngine> engine) : engine_(std::move(engine)) {}

  // Loads or creates the cluster id and checks the producer id counter is readable.
  absl::Status Init() {
    absl::MutexLock lock(&write_mu_);
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::optional<std::string> id, ReadClusterId(*reader));
    SLUICE_RETURN_IF_ERROR(ReadNextProducerId(*reader).status());
    if (id.has_value()) {
      absl::MutexLock cache_lock(&cluster_id_mu_);
      cluster_id_ = *id;
      return absl::OkStatus();
    }
    return ApplyLocked({SetClusterId{GenerateClusterId()}});
  }

  absl::Status Apply(const std::vector<MetadataChange>& changes) override {
    absl::MutexLock lock(&write_mu_);
    return ApplyLocked(changes);
  }

  absl::StatusOr<TopicRecord> GetTopic(const std::string& name) const override {
    if (!IsValidTopicName(name)) return NoSuchTopic(name);
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> topic,
                            ReadTopic(*reader, name, /*with_configs=*/true));
    if (!topic.has_value()) return NoSuchTopic(name);
    return std::move(*topic);
  }

  absl::StatusOr<std::vector<TopicRecord>> ListTopics() const override {
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    return ReadAllTopics(*reader);
  }

  absl::StatusOr<std::vector<PartitionRecord>> GetPartitions(
      const std::string& topic) const override {
    if (!IsValidTopicName(topic)) return NoSuchTopic(topic);
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> record,
                            ReadTopic(*reader, topic, /*with_configs=*/false));
    if (!record.has_value()) return NoSuchTopic(topic);
    return ReadPartitions(*reader, *record);
  }

  absl::StatusOr<PartitionCheckpoint> GetCheckpoint(const std::string& topic,
                                                    int32_t partition) const override {
    if (!IsValidTopicName(topic)) return NoSuchTopic(topic);
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> record,
                            ReadTopic(*reader, topic, /*with_configs=*/false));
    if (!record.has_value()) return NoSuchTopic(topic);
    if (partition < 0 || partition >= record->partition_count) {
      return absl::NotFoundError(absl::StrCat("topic '", topic, "' has no partition ", partition));
    }
    SLUICE_ASSIGN_OR_RETURN(std::optional<PartitionCheckpoint> checkpoint,
                            ReadCheckpoint(*reader, topic, partition));
    return checkpoint.value_or(PartitionCheckpoint{});
  }

  absl::StatusOr<std::map<std::string, std::string>> GetBrokerConfigs() const override {
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    return ReadConfigs(*reader, codec::BrokerConfigPrefix());
  }

  absl::StatusOr<GroupRecord> GetGroup(const std::string& group_id) const override {
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::optional<GroupRecord> group, ReadGroup(*reader, group_id));
    if (!group.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("group '", codec::Printable(group_id), "' has no stored record"));
    }
    return std::move(*group);
  }

  absl::StatusOr<std::vector<CommittedOffset>> GetCommittedOffsets(
      const std::string& group_id) const override {
    if (group_id.size() > kMaxGroupStringLength) return std::vector<CommittedOffset>();
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    return ReadGroupOffsets(*reader, group_id);
  }

  absl::StatusOr<StoredGroups> LoadGroups() const override {
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    return ReadAllGroups(*reader);
  }

  std::string ClusterId() const override {
    absl::MutexLock lock(&cluster_id_mu_);
    return cluster_id_;
  }

  absl::StatusOr<int64_t> AllocateProducerIdBlock(int32_t size) override {
    if (size < 1 || size > kMaxProducerIdBlockSize) {
      return absl::InvalidArgumentError(
          absl::StrCat("producer id block size ", size, " outside 1..", kMaxProducerIdBlockSize));
    }
    absl::MutexLock lock(&write_mu_);
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(int64_t first, ReadNextProducerId(*reader));
    if (first > std::numeric_limits<int64_t>::max() - size) {
      return absl::ResourceExhaustedError("producer id space exhausted");
    }
    SLUICE_RETURN_IF_ERROR(ApplyLocked({AdvanceProducerIds{first + size}}));
    return first;
  }

 private:
  static absl::Status NoSuchTopic(const std::string& name) {
    return absl::NotFoundError(absl::StrCat("topic '", codec::Printable(name), "' does not exist"));
  }

  absl::Status ApplyLocked(const std::vector<MetadataChange>& changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    if (changes.empty()) return absl::OkStatus();
    std::unique_ptr<KvReader> reader = engine_->NewReader();
    SLUICE_ASSIGN_OR_RETURN(std::vector<KvWrite> writes, PlanChanges(*reader, changes));
    if (!writes.empty()) SLUICE_RETURN_IF_ERROR(engine_->Write(writes));
    for (const MetadataChange& change : changes) {
      if (const auto* set_id = std::get_if<SetClusterId>(&change)) {
        absl::MutexLock cache_lock(&cluster_id_mu_);
        cluster_id_ = set_id->cluster_id;
      }
    }
    return absl::OkStatus();
  }

  const std::unique_ptr<KvEngine> engine_;
  // Serializes read-validate-write so each plan sees the state it is applied to. Reads do
  // not take it: the engine gives them consistent snapshots.
  absl::Mutex write_mu_;
  mutable absl::Mutex cluster_id_mu_ ABSL_ACQUIRED_AFTER(write_mu_);
  std::string cluster_id_ ABSL_GUARDED_BY(cluster_id_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<MetadataStore>> NewKvMetadataStore(
    std::unique_ptr<KvEngine> engine) {
  auto store = std::make_unique<KvMetadataStore>(std::move(engine));
  SLUICE_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<MetadataStore>(std::move(store));
}

}  // namespace sluice::metadata
