// File: broker/server/topic_table.h
// The broker's live view of its topics: metadata records joined with their open
// partition logs. Request handlers look topics up here; CreateTopics, DeleteTopics and
// Metadata auto-creation change it. Each change is written to the metadata store first
// (one atomic batch), then applied to the logs and to this view.
//
// Thread-safety: lookups take a snapshot (shared_ptr to an immutable TopicView) and may
// run concurrently with each other and with changes; changes are serialized.
#pragma once

#include <map>
#include <memory>
#include <mutex>
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
  std::shared_ptr<log::PartitionLog> log;
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
  // other errors come from the metadata store or the log (storage failures).
  absl::StatusOr<std::shared_ptr<const TopicView>> Create(const NewTopic& spec);
  // Deletes a topic and its data. kNotFound if it does not exist.
  absl::Status Delete(const std::string& name);

  int32_t node_id() const { return node_id_; }

 private:
  absl::StatusOr<std::shared_ptr<TopicView>> OpenView(const metadata::TopicRecord& record);

  metadata::MetadataStore& store_;
  log::LogManager& logs_;
  int32_t node_id_;
  std::mutex change_mu_;  // serializes Create/Delete
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const TopicView>> topics_;  // guarded by mu_
};

}  // namespace sluice::server
