#include "broker/server/broker.h"

#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "broker/group/group_metrics.h"
#include "broker/metadata/rocksdb_metadata_store.h"
#include "broker/server/handlers/alter_configs.h"
#include "broker/server/handlers/api_versions.h"
#include "broker/server/handlers/create_partitions.h"
#include "broker/server/handlers/create_topics.h"
#include "broker/server/handlers/delete_groups.h"
#include "broker/server/handlers/delete_records.h"
#include "broker/server/handlers/delete_topics.h"
#include "broker/server/handlers/describe_configs.h"
#include "broker/server/handlers/describe_groups.h"
#include "broker/server/handlers/describe_log_dirs.h"
#include "broker/server/handlers/fetch.h"
#include "broker/server/handlers/find_coordinator.h"
#include "broker/server/handlers/heartbeat.h"
#include "broker/server/handlers/incremental_alter_configs.h"
#include "broker/server/handlers/init_producer_id.h"
#include "broker/server/handlers/join_group.h"
#include "broker/server/handlers/leave_group.h"
#include "broker/server/handlers/list_groups.h"
#include "broker/server/handlers/list_offsets.h"
#include "broker/server/handlers/metadata.h"
#include "broker/server/handlers/offset_commit.h"
#include "broker/server/handlers/offset_delete.h"
#include "broker/server/handlers/offset_fetch.h"
#include "broker/server/handlers/produce.h"
#include "broker/server/handlers/sync_group.h"
#include "broker/server/partition_health_collector.h"
#include "broker/server/storage_collector.h"
#include "common/kafka/records/crc32c.h"
#include "common/log.h"
#include "common/process_metrics.h"
#include "common/status.h"

namespace sluice::server {

namespace {

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The open log of a partition; nullptr for an unknown or offline one.
std::shared_ptr<log::PartitionLog> OpenLog(const TopicTable& topics, const std::string& topic,
                                           int32_t partition) {
  auto view = topics.Find(topic);
  if (view == nullptr || partition < 0 ||
      partition >= static_cast<int32_t>(view->partitions.size())) {
    return nullptr;
  }
  return view->partitions[partition].log;
}

}  // namespace

// One asio timer armed at the group coordinator's earliest deadline; when it fires the
// coordinator runs what is due (group/group_coordinator.h) and names the next deadline.
class GroupTimer {
 public:
  GroupTimer(boost::asio::io_context& io, group::GroupCoordinator& groups)
      : strand_(boost::asio::make_strand(io)), timer_(strand_), groups_(groups) {}

  // Thread-safe.
  void WakeAt(int64_t deadline_ms) {
    boost::asio::post(strand_, [this, deadline_ms] { Arm(deadline_ms); });
  }

 private:
  void Arm(int64_t deadline_ms) {
    if (armed_ && deadline_ms >= armed_at_ms_) return;
    armed_ = true;
    armed_at_ms_ = deadline_ms;
    timer_.expires_after(
        std::chrono::milliseconds(std::max<int64_t>(0, deadline_ms - WallClockMs())));
    timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;  // Re-armed earlier, or shutting down.
      armed_ = false;
      if (std::optional<int64_t> next = groups_.Tick()) Arm(*next);
    });
  }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  group::GroupCoordinator& groups_;
  bool armed_ = false;  // On strand_.
  int64_t armed_at_ms_ = 0;
};

Broker::Broker(const BrokerConfig& config) : config_(config) {}

Broker::~Broker() {
  // Before members go: the coordinator's write thread may still wake the timer.
  if (groups_) groups_->Stop();
  if (flusher_) flusher_->Stop();  // Its callbacks post to io_.
}

absl::StatusOr<std::unique_ptr<Broker>> Broker::Create(const BrokerConfig& config) {
  std::unique_ptr<Broker> broker(new Broker(config));
  SLUICE_RETURN_IF_ERROR(broker->Init());
  return broker;
}

absl::Status Broker::Init() {
  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", config_.data_dir, ": ", ec.message()));
  }
  SLUICE_LOG(kInfo) << "data directory " << std::filesystem::absolute(config_.data_dir).string()
                    << "; CRC32C "
                    << (kafka::Crc32cIsHardwareAccelerated() ? "hardware" : "software")
                    << "; open files limit " << RaiseOpenFileLimit();
  registry_ = std::make_shared<prometheus::Registry>();
  probe_ = std::make_unique<ServerProbe>(*registry_);

  SLUICE_ASSIGN_OR_RETURN(store_,
                          metadata::OpenRocksDbMetadataStore(
                              (std::filesystem::path(config_.data_dir) / "metadata").string()));
  // Dynamic broker configs first: they supply the topic defaults every log is opened with.
  dynamic_config_ = std::make_unique<DynamicBrokerConfig>(config_, *store_);
  SLUICE_RETURN_IF_ERROR(dynamic_config_->Load());
  const BrokerConfig current = dynamic_config_->Current();
  log::LogConfig log_config;
  log_config.segment_bytes = current.segment_bytes;
  log_config.segment_ms = current.segment_ms;
  log_config.index_interval_bytes = current.log_index_interval_bytes;
  if (config_.log_write_behind_bytes > 0) {
    write_behind_ = std::make_shared<log::WriteBehind>();
    write_behind_->Start();
    log_config.write_behind = write_behind_;
    log_config.write_behind_bytes = config_.log_write_behind_bytes;
  }
  SLUICE_ASSIGN_OR_RETURN(logs_, log::LogManager::Open(config_.data_dir, log_config));
  topics_ = std::make_unique<TopicTable>(*store_, *logs_, config_.node_id);
  SLUICE_RETURN_IF_ERROR(topics_->Load());
  dynamic_config_->SetChangeListener([topics = topics_.get()] { topics->RefreshLogSettings(); });
  retention_ = std::make_unique<RetentionTask>(
      *topics_, *registry_,
      [dynamic = dynamic_config_.get()] {
        return dynamic->Current().log_retention_check_interval_ms;
      },
      WallClockMs);
  cleaner_ = std::make_unique<CleanerTask>(
      *topics_, *registry_,
      [dynamic = dynamic_config_.get()] { return dynamic->Current().log_cleaner_backoff_ms; },
      [dynamic = dynamic_config_.get()] { return dynamic->Current().log_cleaner_enable; },
      [dynamic = dynamic_config_.get()] {
        return dynamic->Current().log_cleaner_dedupe_buffer_size;
      },
      WallClockMs);
  producer_ids_ = std::make_unique<ProducerIdAllocator>(*store_);
  fetch_waiters_ = std::make_unique<FetchWaiters>(&probe_->fetches_waiting());
  groups_ = std::make_unique<group::GroupCoordinator>(*store_, config_.Groups(), WallClockMs);
  group_timer_ = std::make_unique<GroupTimer>(io_, *groups_);
  groups_->SetWakeup(
      [timer = group_timer_.get()](int64_t deadline_ms) { timer->WakeAt(deadline_ms); });
  flusher_ = std::make_unique<log::LogFlusher>();
  flusher_->Start();
  context_ = std::make_unique<BrokerContext>(
      BrokerContext{config_, *store_, *topics_, *producer_ids_, *fetch_waiters_,
                    store_->ClusterId(), io_, *groups_, *flusher_, *dynamic_config_, *retention_});

  dispatcher_ = std::make_unique<Dispatcher>(probe_.get());
  RegisterHandlers();

  ConnectionLimits limits;
  limits.max_request_bytes = config_.socket_request_max_bytes;
  limits.max_inflight = config_.max_inflight_requests_per_connection;
  listener_ = std::make_unique<KafkaListener>(io_, *dispatcher_, probe_.get(), limits);
  SLUICE_RETURN_IF_ERROR(listener_->Start(config_.listener));
  http_ = std::make_unique<HttpServer>(io_, registry_);
  http_->AddCollectable(std::make_shared<ProcessCollector>());
  http_->AddCollectable(
      std::make_shared<StorageCollector>(*topics_, *flusher_, write_behind_.get()));
  http_->AddCollectable(std::make_shared<PartitionHealthCollector>(
      *store_, config_.node_id,
      [topics = topics_.get()](const std::string& topic, int32_t partition) {
        return OpenLog(*topics, topic, partition) != nullptr;
      },
      std::filesystem::absolute(config_.data_dir).string()));
  http_->AddCollectable(std::make_shared<group::GroupMetrics>(
      *groups_,
      [topics = topics_.get()](const std::string& topic,
                               int32_t partition) -> std::optional<int64_t> {
        auto log = OpenLog(*topics, topic, partition);
        if (log == nullptr) return std::nullopt;
        return log->high_watermark();
      }));
  SLUICE_RETURN_IF_ERROR(http_->Start(config_.http_listener));
  SLUICE_LOG(kInfo) << "cluster " << context_->cluster_id << ", node " << config_.node_id
                    << ": Kafka listener on " << config_.listener.host << ":" << listener_->port()
                    << " (advertised " << config_.Advertised().ToString() << "), HTTP on "
                    << config_.http_listener.host << ":" << http_->port();
  return absl::OkStatus();
}

void Broker::RegisterHandlers() {
  using namespace handlers;  // NOLINT: one line per API reads best here
  dispatcher_->Register(std::make_unique<ApiVersionsHandler>(*dispatcher_));
  dispatcher_->Register(std::make_unique<MetadataHandler>(*context_));
  dispatcher_->Register(std::make_unique<CreateTopicsHandler>(*context_));
  dispatcher_->Register(std::make_unique<DeleteTopicsHandler>(*context_));
  dispatcher_->Register(std::make_unique<DescribeConfigsHandler>(*context_));
  dispatcher_->Register(std::make_unique<InitProducerIdHandler>(*context_));
  dispatcher_->Register(std::make_unique<ProduceHandler>(*context_));
  dispatcher_->Register(std::make_unique<FetchHandler>(*context_));
  dispatcher_->Register(std::make_unique<ListOffsetsHandler>(*context_));
  dispatcher_->Register(std::make_unique<FindCoordinatorHandler>(*context_));
  dispatcher_->Register(std::make_unique<JoinGroupHandler>(*context_));
  dispatcher_->Register(std::make_unique<SyncGroupHandler>(*context_));
  dispatcher_->Register(std::make_unique<HeartbeatHandler>(*context_));
  dispatcher_->Register(std::make_unique<LeaveGroupHandler>(*context_));
  dispatcher_->Register(std::make_unique<OffsetCommitHandler>(*context_));
  dispatcher_->Register(std::make_unique<OffsetFetchHandler>(*context_));
  dispatcher_->Register(std::make_unique<DescribeGroupsHandler>(*context_));
  dispatcher_->Register(std::make_unique<ListGroupsHandler>(*context_));
  dispatcher_->Register(std::make_unique<DeleteGroupsHandler>(*context_));
  dispatcher_->Register(std::make_unique<OffsetDeleteHandler>(*context_));
  dispatcher_->Register(std::make_unique<DeleteRecordsHandler>(*context_));
  dispatcher_->Register(std::make_unique<CreatePartitionsHandler>(*context_));
  dispatcher_->Register(std::make_unique<AlterConfigsHandler>(*context_));
  dispatcher_->Register(std::make_unique<IncrementalAlterConfigsHandler>(*context_));
  dispatcher_->Register(std::make_unique<DescribeLogDirsHandler>(*context_));
}

absl::Status Broker::Run() {
  work_ =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor());
  // Groups load once the listener is up; until then group requests get
  // COORDINATOR_LOAD_IN_PROGRESS.
  boost::asio::post(io_, [this] {
    if (absl::Status loaded = groups_->Load(); !loaded.ok()) {
      SLUICE_LOG(kError) << "consumer groups unavailable: " << loaded;
    }
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < config_.io_threads; ++i) threads.emplace_back([this] { io_.run(); });
  retention_->Start();
  cleaner_->Start();
  http_->SetReady(true);
  SLUICE_LOG(kInfo) << "ready";
  io_.run();
  for (auto& t : threads) t.join();
  retention_->Stop();  // Before the logs close under them.
  cleaner_->Stop();
  groups_->Stop();   // Finishes queued group writes while the store is still open.
  flusher_->Stop();  // Finishes queued flushes while the logs are still open.
  if (write_behind_) write_behind_->Stop();
  SLUICE_LOG(kInfo) << "flushing and closing logs";
  absl::Status closed = logs_->CloseAll();
  store_.reset();
  return closed;
}

void Broker::Shutdown() {
  boost::asio::post(io_, [this] {
    SLUICE_LOG(kInfo) << "shutting down";
    http_->Stop();
    listener_->Stop();
    work_.reset();
    // Let connections finish closing, then stop the loop even if a long poll is pending.
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(200));
    timer->async_wait([this, timer](boost::system::error_code) { io_.stop(); });
  });
}

}  // namespace sluice::server
