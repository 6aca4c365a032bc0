// File: broker/server/broker.h
// Wires a broker together: metadata store, partition logs, topic table, request
// handlers, the Kafka listener and the HTTP endpoint, on one io_context run by
// `io.threads` threads.
//
// Lifecycle: Create() opens storage (recovering logs) and binds the listeners;
// Run() serves until Shutdown() (e.g. from SIGTERM), then stops accepting, closes
// connections, flushes and closes every log cleanly.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "broker/group/group_coordinator.h"
#include "broker/log/log_manager.h"
#include "broker/log/write_behind.h"
#include "broker/metadata/metadata_store.h"
#include "broker/server/broker_config.h"
#include "broker/server/broker_context.h"
#include "broker/server/cleaner_task.h"
#include "broker/server/dispatcher.h"
#include "broker/server/http_server.h"
#include "broker/server/kafka_listener.h"
#include "common/asio.h"
#include "prometheus/registry.h"

namespace sluice::server {

class GroupTimer;  // broker.cc: runs the group coordinator's deadlines on io_.

class Broker {
 public:
  static absl::StatusOr<std::unique_ptr<Broker>> Create(const BrokerConfig& config);
  ~Broker();

  // Serves until Shutdown; returns once every thread has stopped and storage is closed.
  absl::Status Run();
  // Thread-safe and signal-safe enough to call from an asio signal handler.
  void Shutdown();

  uint16_t kafka_port() const { return listener_->port(); }
  uint16_t http_port() const { return http_->port(); }

 private:
  explicit Broker(const BrokerConfig& config);
  absl::Status Init();
  void RegisterHandlers();

  // Declaration order matters: io_ is destroyed after the listeners and before
  // everything its pending handlers (connections, long-polling fetches) refer to.
  BrokerConfig config_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<ServerProbe> probe_;
  std::unique_ptr<metadata::MetadataStore> store_;
  std::unique_ptr<log::LogManager> logs_;
  std::unique_ptr<TopicTable> topics_;
  std::unique_ptr<DynamicBrokerConfig> dynamic_config_;
  std::unique_ptr<RetentionTask> retention_;  // its thread runs from Run() to shutdown
  std::unique_ptr<CleanerTask> cleaner_;      // likewise
  std::unique_ptr<ProducerIdAllocator> producer_ids_;
  std::unique_ptr<FetchWaiters> fetch_waiters_;
  std::unique_ptr<group::GroupCoordinator> groups_;
  std::unique_ptr<log::LogFlusher> flusher_;
  std::shared_ptr<log::WriteBehind> write_behind_;  // null when log.write.behind.bytes is 0
  std::unique_ptr<BrokerContext> context_;
  std::unique_ptr<Dispatcher> dispatcher_;
  boost::asio::io_context io_;
  std::unique_ptr<GroupTimer> group_timer_;
  std::unique_ptr<KafkaListener> listener_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace sluice::server
