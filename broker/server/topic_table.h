// File: broker/server/topic_table.h
// The broker's live view of its topics: metadata records joined with their open
// partition logs. Request handlers look topics up here; CreateTopics, DeleteTopics and
// Metadata auto-creation, CreatePartitions and AlterConfigs change it. Each change is
// written to the metadata store first (one atomic batch), then applied to the logs and to
// this view. Every log it opens gets its topic's settings (log_settings.h) and the log
// start offset stored for it (DeleteRecords), so both survive a restart.
//
// Thread-safety: lookups take a snapshot (shared_ptr to an immutable TopicView) and may
// run concurrently with each other and with changes; changes are serialized.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/log/log_manager.h"
#include "broker/metadata/metadata_store.h"

namespace sluice::server {

struct PartitionView {
  int32_t index = 0;
  int32_t leader_epoch = 0;
  std::shared_ptr<log::PartitionLog> log;  // nullptr while the partition is offline
};

struct TopicView {
  metadata::TopicRecord record;
  std::vector<PartitionView> partitions;  // index i is partition i
};

struct NewTopic {
  std::string name;
  int32_t partitions = 1;
  int16_t replication_factor = 1;
  std::map<std::string, std::string> configs;
};

class TopicTable {
 public:
  // `store` and `logs` must outlive the table.
  TopicTable(metadata::MetadataStore& store, log::LogManager& logs, int32_t node_id);

  // Opens the log of every partition the metadata store knows. Call once at start-up.
  absl::Status Load();

  std::shared_ptr<const TopicView> Find(const std::string& name) const;
  std::shared_ptr<const TopicView> FindById(const metadata::TopicId& id) const;
  // All topics, sorted by name.
  std::vector<std::shared_ptr<const TopicView>> List() const;

  // Creates a topic whose spec the caller has validated. kAlreadyExists if it exists;
  // kResourceExhausted (nothing changed) if its logs would not fit under the open-files
  // limit; other errors come from the metadata store or the log (storage failures), and
  // then the topic is removed again, metadata and directories.
  absl::StatusOr<std::shared_ptr<const TopicView>> Create(const NewTopic& spec);
  // Deletes a topic and its data. kNotFound if it does not exist.
  absl::Status Delete(const std::string& name);

  // Changes explicit topic configs: each key maps to its new value, or nullopt to fall
  // back to the default. The caller validated keys and values. Persists the changes in
  // one batch, publishes the new view and applies the log settings to the running logs.
  // kNotFound if no such topic; kInvalidArgument (nothing written) if the resulting log
  // settings are unusable (log_config.h ValidateLogConfig).
  absl::Status AlterConfigs(const std::string& name,
                            const std::map<std::string, std::optional<std::string>>& changes);
  // The log settings the new configs would give; kInvalidArgument if unusable.
  static absl::Status CheckLogSettings(const std::map<std::string, std::string>& configs);

  // Grows a topic to `count` partitions (new ones empty, led by this broker, epoch 0).
  // kNotFound if no such topic; kInvalidArgument unless count > the current count;
  // kResourceExhausted (nothing changed) as for Create.
  absl::StatusOr<std::shared_ptr<const TopicView>> AddPartitions(const std::string& name,
                                                                 int32_t count);

  // Moves a partition's log start offset up to `offset` (DeleteRecords; -1 means the high
  // watermark), persisting it first so a restart keeps it. Returns what was deleted.
  // kNotFound for an unknown partition; kOutOfRange if offset > high watermark or < -1.
  absl::StatusOr<log::RetentionResult> DeleteRecordsBefore(const std::string& name,
                                                           int32_t partition, int64_t offset);

  // Re-applies every topic's log settings to its logs (after a broker default changed).
  void RefreshLogSettings();

  int32_t node_id() const { return node_id_; }

 private:
  absl::StatusOr<std::shared_ptr<TopicView>> OpenView(const metadata::TopicRecord& record);
  // Opens (or creates) one partition's log with the topic's settings and stored start.
  absl::StatusOr<std::shared_ptr<log::PartitionLog>> OpenPartition(
      const metadata::TopicRecord& record, int32_t partition);

  metadata::MetadataStore& store_;
  log::LogManager& logs_;
  int32_t node_id_;
  std::mutex change_mu_;  // serializes Create/Delete/AlterConfigs/AddPartitions
  // Serializes DeleteRecordsBefore, so a smaller stored start never overwrites a larger one.
  std::mutex delete_records_mu_;
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const TopicView>> topics_;  // guarded by mu_
};

}  // namespace sluice::server
