#include "bench/loadgen/admin.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/loadgen/worker.h"

namespace sluice::bench {

namespace {

// Waits for the single result event of an admin call on `queue`.
absl::StatusOr<rd_kafka_event_t*> AwaitEvent(rd_kafka_queue_t* queue, int timeout_ms,
                                             const char* what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, timeout_ms);
  if (ev == nullptr)
    return absl::DeadlineExceededError(absl::StrCat(what, ": no answer in ", timeout_ms, " ms"));
  if (rd_kafka_event_error(ev)) {
    std::string msg = absl::StrCat(what, ": ", rd_kafka_event_error_string(ev));
    rd_kafka_event_destroy(ev);
    return absl::UnavailableError(msg);
  }
  return ev;
}

absl::Status TopicResult(const rd_kafka_topic_result_t** results, size_t n, const char* what) {
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]); err) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      return absl::FailedPreconditionError(
          absl::StrCat(what, " ", rd_kafka_topic_result_name(results[i]), ": ",
                       rd_kafka_err2name(err), msg ? absl::StrCat(" (", msg, ")") : ""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Admin> Admin::Connect(const Options& options) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (absl::Status s = SetProps(
          conf, {{"bootstrap.servers", options.bootstrap}, {"client.id", "sluice-loadgen-admin"}});
      !s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(std::string("admin client: ") + err);
  }
  return Admin(rk);
}

Admin::~Admin() {
  if (rk_) rd_kafka_destroy(rk_);
}

absl::Status Admin::CreateTopic(const Options& options, int timeout_ms) {
  char err[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(options.topic.c_str(), options.partitions,
                                                     options.replication_factor, err, sizeof err);
  if (topic == nullptr) return absl::InvalidArgumentError(err);
  for (const auto& [key, value] : options.topic_configs) {
    rd_kafka_NewTopic_set_config(topic, key.c_str(), value.c_str());
  }
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_CreateTopics(rk_, &topic, 1, opts, queue);
  absl::StatusOr<rd_kafka_event_t*> ev = AwaitEvent(queue, timeout_ms + 5000, "CreateTopics");
  absl::Status status = ev.status();
  if (ev.ok()) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(*ev), &n);
    status = TopicResult(results, n, "create");
    rd_kafka_event_destroy(*ev);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(topic);
  return status;
}

absl::Status Admin::AlterTopicConfigs(const Options& options, int timeout_ms) {
  char err[512];
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, options.topic.c_str());
  for (const auto& [key, value] : options.topic_configs) {
    rd_kafka_ConfigResource_set_config(resource, key.c_str(), value.c_str());
  }
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_ALTERCONFIGS);
  rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_AlterConfigs(rk_, &resource, 1, opts, queue);
  absl::StatusOr<rd_kafka_event_t*> ev = AwaitEvent(queue, timeout_ms + 5000, "AlterConfigs");
  absl::Status status = ev.status();
  if (ev.ok()) {
    size_t n = 0;
    const rd_kafka_ConfigResource_t** results =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(*ev), &n);
    for (size_t i = 0; i < n && status.ok(); ++i) {
      if (rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(results[i]); e) {
        const char* msg = rd_kafka_ConfigResource_error_string(results[i]);
        status = absl::FailedPreconditionError(absl::StrCat(
            "alter configs of ", options.topic, ": ", rd_kafka_err2name(e),
            msg ? absl::StrCat(" (", msg, ")") : ""));
      }
    }
    rd_kafka_event_destroy(*ev);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_ConfigResource_destroy(resource);
  return status;
}

absl::Status Admin::DeleteTopic(const std::string& name, int timeout_ms) {
  char err[512];
  rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_DELETETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, err, sizeof err);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk_);
  rd_kafka_DeleteTopics(rk_, &topic, 1, opts, queue);
  absl::StatusOr<rd_kafka_event_t*> ev = AwaitEvent(queue, timeout_ms + 5000, "DeleteTopics");
  absl::Status status = ev.status();
  if (ev.ok()) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(*ev), &n);
    status = TopicResult(results, n, "delete");
    rd_kafka_event_destroy(*ev);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_DeleteTopic_destroy(topic);
  return status;
}

absl::StatusOr<int> Admin::WaitForLeaders(const std::string& name, int timeout_ms) {
  const int64_t deadline = NowNs() + int64_t{timeout_ms} * 1'000'000;
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, name.c_str(), nullptr);
  std::string last = "no metadata";
  absl::StatusOr<int> result = absl::DeadlineExceededError("");
  while (NowNs() < deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, rkt, &md, 5000);
    if (err) {
      last = rd_kafka_err2str(err);
    } else {
      const rd_kafka_metadata_topic_t& t = md->topics[0];
      bool ready = md->topic_cnt == 1 && t.err == 0 && t.partition_cnt > 0;
      for (int i = 0; ready && i < t.partition_cnt; ++i) {
        ready = t.partitions[i].err == 0 && t.partitions[i].leader >= 0;
      }
      last = t.err ? rd_kafka_err2str(t.err) : "partitions without a leader";
      const int count = t.partition_cnt;
      rd_kafka_metadata_destroy(md);
      if (ready) {
        result = count;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  rd_kafka_topic_destroy(rkt);
  if (!result.ok())
    return absl::DeadlineExceededError(absl::StrCat("topic ", name, " not ready: ", last));
  return result;
}

absl::StatusOr<std::vector<Watermark>> Admin::Watermarks(const std::string& topic, int partitions,
                                                         int timeout_ms) {
  std::vector<Watermark> out;
  for (int p = 0; p < partitions; ++p) {
    Watermark w;
    w.partition = p;
    if (rd_kafka_resp_err_t err =
            rd_kafka_query_watermark_offsets(rk_, topic.c_str(), p, &w.low, &w.high, timeout_ms);
        err) {
      return absl::UnavailableError(
          absl::StrCat("watermarks of ", topic, "/", p, ": ", rd_kafka_err2str(err)));
    }
    out.push_back(w);
  }
  return out;
}

}  // namespace sluice::bench
