// File: broker/server/broker_context.h
// What request handlers share: configuration and the broker's state. Everything
// referenced here is created at start-up and outlives every handler.
#pragma once

#include <string>

#include "broker/group/group_coordinator.h"
#include "broker/log/log_flusher.h"
#include "broker/metadata/metadata_store.h"
#include "broker/server/broker_config.h"
#include "broker/server/dynamic_config.h"
#include "broker/server/fetch_waiters.h"
#include "broker/server/producer_ids.h"
#include "broker/server/retention_task.h"
#include "broker/server/topic_table.h"
#include "common/asio.h"

namespace sluice::server {

struct BrokerContext {
  const BrokerConfig& config;
  metadata::MetadataStore& store;
  TopicTable& topics;
  ProducerIdAllocator& producer_ids;
  FetchWaiters& fetch_waiters;
  std::string cluster_id;
  boost::asio::io_context& io;  // for timers of long-polling fetches
  group::GroupCoordinator& groups;
  log::LogFlusher& flusher;             // fdatasync with group commit for durable topics
  DynamicBrokerConfig& dynamic_config;  // static config plus AlterConfigs on BROKER
  RetentionTask& retention;             // also counts what DeleteRecords deletes
};

}  // namespace sluice::server
