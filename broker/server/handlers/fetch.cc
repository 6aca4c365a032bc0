#include "broker/server/handlers/fetch.h"

#include <atomic>

#include "broker/server/kafka_errors.h"
#include "common/asio.h"

namespace sluice::server::handlers {

namespace asio = boost::asio;
using Request = kafka::FetchRequest;
using Response = kafka::FetchResponse;

namespace {

// One fetch from arrival to response. Attempts run on a strand: first at once, then (if
// it must wait) after appends to the partitions it reads, and finally at the deadline.
class FetchOperation : public std::enable_shared_from_this<FetchOperation> {
 public:
  FetchOperation(BrokerContext& broker, Request request, TypedHandler<Request, Response>::Done done)
      : broker_(broker),
        request_(std::move(request)),
        done_(std::move(done)),
        strand_(asio::make_strand(broker.io)),
        timer_(strand_),
        deadline_(std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(std::max(0, request_.max_wait_ms))) {}

  void Start() {
    asio::dispatch(strand_, [self = shared_from_this()] { self->Attempt(); });
  }

 private:
  // Runs on the strand only, so every member but wake_pending_ is the strand's.
  void Attempt() {
    if (finished_) return;
    wake_pending_.store(false, std::memory_order_release);
    const uint64_t notifications_before = broker_.fetch_waiters.notifications();
    bool error = false;
    size_t bytes = 0;
    Response response = Read(&bytes, &error);
    bool expired = std::chrono::steady_clock::now() >= deadline_;
    bool may_wait = request_.max_wait_ms > 0 && request_.min_bytes > 0;
    if (!may_wait || error || expired ||
        bytes >= static_cast<size_t>(std::max(0, request_.min_bytes))) {
      Finish(std::move(response));
      return;
    }
    // Watch only once a wait is needed: most fetches under load are answered by their
    // first read and never touch FetchWaiters. An append between that read and Watch
    // would wake nobody, so the notification count decides whether to read again.
    if (!watching_) {
      Watch();
      if (broker_.fetch_waiters.notifications() != notifications_before) Wake();
    }
    if (!timer_armed_) {
      timer_armed_ = true;
      timer_.expires_at(deadline_);
      timer_.async_wait(
          [self = shared_from_this()](boost::system::error_code) { self->Attempt(); });
    }
  }

  void Watch() {
    std::vector<FetchWaiters::TopicPartition> partitions;
    for (const auto& t : request_.topics) {
      for (const auto& p : t.partitions) partitions.emplace_back(t.topic, p.partition);
    }
    std::weak_ptr<FetchOperation> weak = shared_from_this();
    watch_token_ = broker_.fetch_waiters.Watch(partitions, [weak] {
      if (auto self = weak.lock()) self->Wake();
    });
    watching_ = true;
  }

  // Any thread. Many appends before the strand gets to it make one attempt, not many.
  void Wake() {
    if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
    asio::post(strand_, [self = shared_from_this()] { self->Attempt(); });
  }

  void Finish(Response response) {
    finished_ = true;
    if (watching_) broker_.fetch_waiters.Unwatch(watch_token_);
    timer_.cancel();
    done_(std::move(response));
  }

  // `topic` is null when the request names an unknown topic.
  Response::PartitionData ReadPartition(const TopicView* topic, const Request::FetchPartition& p,
                                        size_t* budget, bool* first_batch_taken, bool* error) {
    Response::PartitionData out;
    out.partition_index = p.partition;
    out.preferred_read_replica = -1;
    out.aborted_transactions.emplace();
    out.records.emplace();
    if (topic == nullptr || p.partition < 0 ||
        p.partition >= static_cast<int32_t>(topic->partitions.size())) {
      out.error_code = Code(KafkaError::kUnknownTopicOrPartition);
      out.high_watermark = out.last_stable_offset = out.log_start_offset = -1;
      *error = true;
      return out;
    }
    const auto& partition_log = topic->partitions[p.partition].log;
    if (!partition_log) {  // offline
      out.error_code = Code(KafkaError::kKafkaStorageError);
      out.high_watermark = out.last_stable_offset = out.log_start_offset = -1;
      *error = true;
      return out;
    }
    int64_t hw = partition_log->high_watermark();
    out.high_watermark = hw;
    out.last_stable_offset = hw;  // no transactions yet
    out.log_start_offset = partition_log->log_start_offset();
    size_t limit = std::min(static_cast<size_t>(std::max(0, p.partition_max_bytes)), *budget);
    // Zero copy: the records go out as slices of the segment files (sendfile(2) in the
    // connection), never through a user-space buffer.
    auto read = partition_log->ReadSlices(p.fetch_offset, limit, hw, !*first_batch_taken);
    if (!read.ok()) {
      out.error_code = Code(LogError(read.status()));
      *error = true;
      return out;
    }
    kafka::Records records = kafka::Records::FromSlices(std::move(read->slices));
    if (!records.empty()) {
      *first_batch_taken = true;
      *budget -= std::min(*budget, records.size());
      out.records = std::move(records);
    }
    return out;
  }

  Response Read(size_t* total_bytes, bool* error) {
    Response response;
    size_t budget = static_cast<size_t>(std::max(0, request_.max_bytes));
    bool first_batch_taken = false;
    for (const auto& t : request_.topics) {
      Response::FetchableTopicResponse topic;
      topic.topic = t.topic;
      auto view = broker_.topics.Find(t.topic);
      topic.partitions.reserve(t.partitions.size());
      for (const auto& p : t.partitions) {
        topic.partitions.push_back(
            ReadPartition(view.get(), p, &budget, &first_batch_taken, error));
        *total_bytes += topic.partitions.back().records->size();
      }
      response.responses.push_back(std::move(topic));
    }
    return response;
  }

  BrokerContext& broker_;
  Request request_;
  TypedHandler<Request, Response>::Done done_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point deadline_;
  bool watching_ = false;
  uint64_t watch_token_ = 0;
  std::atomic<bool> wake_pending_{false};
  bool timer_armed_ = false;
  bool finished_ = false;
};

}  // namespace

void FetchHandler::Serve(const RequestContext&, Request request, Done done) {
  std::make_shared<FetchOperation>(broker_, std::move(request), std::move(done))->Start();
}

}  // namespace sluice::server::handlers
