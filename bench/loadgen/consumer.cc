#include "bench/loadgen/consumer.h"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <string>

namespace sluice::bench {

namespace {
constexpr int kPollMs = 100;
constexpr size_t kBatch = 512;
}  // namespace

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(const Options& options, int index,
                                                           WorkerStats* stats, ErrorLog* errors) {
  std::unique_ptr<Consumer> c(new Consumer(options, stats, errors));
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {
      {"bootstrap.servers", options.bootstrap},
      {"client.id", "sluice-loadgen-c" + std::to_string(index)},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "false"},
  };
  if (options.consumer_api == "assign") {
    // librdkafka 2.0.2 refuses rd_kafka_assign() without a group.id; nothing is committed.
    props.emplace_back("group.id",
                       "sluice-loadgen-" + std::to_string(getpid()) + "-" + std::to_string(index));
  }
  absl::Status s = SetProps(conf, props);
  if (s.ok()) s = SetProps(conf, options.consumer_props);
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  char err[512];
  c->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (c->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(std::string("consumer: ") + err);
  }
  return c;
}

Consumer::~Consumer() {
  if (rk_) rd_kafka_destroy(rk_);
}

void Consumer::Take(const rd_kafka_message_t* m, bool record_latency, int64_t now) {
  if (m->err) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
    stats_->Error();
    errors_->Add(std::string("consume: ") + rd_kafka_message_errstr(m));
    return;
  }
  Stamp stamp;
  if (record_latency && ReadStamp(m->payload, m->len, &stamp) && now >= stamp.send_ns) {
    stats_->latency.Record(static_cast<uint64_t>(now - stamp.send_ns));
  }
  stats_->Count(1, m->len, now);
}

void Consumer::Run(const std::vector<PartitionStart>& partitions, bool record_latency,
                   const std::atomic<bool>& stop) {
  if (!partitions.empty()) {
    if (options_.consumer_api == "assign") {
      RunAssigned(partitions, record_latency, stop);
    } else {
      RunSimple(partitions, record_latency, stop);
    }
  }
  stats_->done.store(true, std::memory_order_release);
}

void Consumer::RunSimple(const std::vector<PartitionStart>& partitions, bool record_latency,
                         const std::atomic<bool>& stop) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, options_.topic.c_str(), nullptr);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  std::vector<int32_t> started;
  for (const PartitionStart& p : partitions) {
    if (rd_kafka_consume_start_queue(rkt, p.partition, p.offset, queue) != 0) {
      stats_->Error();
      errors_->Add("consume_start: " + std::string(rd_kafka_err2str(rd_kafka_last_error())));
    } else {
      started.push_back(p.partition);
    }
  }
  std::vector<rd_kafka_message_t*> batch(kBatch);
  while (!stop.load(std::memory_order_relaxed)) {
    // rd_kafka_consume_batch_queue waits until the whole batch is full or the timeout
    // passes, which would add the time to fill a batch to every end-to-end latency. So:
    // wait for one message, then take what is already queued without waiting.
    rd_kafka_message_t* first = rd_kafka_consume_queue(queue, kPollMs);
    if (first == nullptr) continue;
    Take(first, record_latency, NowNs());
    rd_kafka_message_destroy(first);
    ssize_t n = rd_kafka_consume_batch_queue(queue, 0, batch.data(), batch.size());
    const int64_t now = NowNs();
    for (ssize_t i = 0; i < n; ++i) {
      Take(batch[i], record_latency, now);
      rd_kafka_message_destroy(batch[i]);
    }
  }
  for (int32_t p : started) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_destroy(rkt);
}

void Consumer::RunAssigned(const std::vector<PartitionStart>& partitions, bool record_latency,
                           const std::atomic<bool>& stop) {
  rd_kafka_poll_set_consumer(rk_);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (const PartitionStart& p : partitions) {
    rd_kafka_topic_partition_list_add(list, options_.topic.c_str(), p.partition)->offset = p.offset;
  }
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk_, list); err) {
    stats_->Error();
    errors_->Add(std::string("assign: ") + rd_kafka_err2str(err));
  }
  rd_kafka_topic_partition_list_destroy(list);
  while (!stop.load(std::memory_order_relaxed)) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, kPollMs);
    if (m == nullptr) continue;
    Take(m, record_latency, NowNs());
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk_);
}

}  // namespace sluice::bench
