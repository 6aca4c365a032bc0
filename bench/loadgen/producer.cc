#include "bench/loadgen/producer.h"

#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace sluice::bench {

namespace {

timespec ToTimespec(int64_t ns) {
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

}  // namespace

Producer::Producer(const Options& options, int index, WorkerStats* stats, ErrorLog* errors)
    : options_(options),
      index_(index),
      stats_(stats),
      errors_(errors),
      payload_(static_cast<size_t>(options.record_size)),
      rng_(0x5eed0000u + static_cast<unsigned>(index)) {
  // Random filler, so compression (when asked for) sees realistic, incompressible bytes.
  for (auto& c : payload_) c = static_cast<char>(rng_());
}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(const Options& options, int index,
                                                           WorkerStats* stats, ErrorLog* errors) {
  std::unique_ptr<Producer> p(new Producer(options, index, stats, errors));
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  absl::Status s = SetProps(conf, {{"bootstrap.servers", options.bootstrap},
                                   {"client.id", "sluice-loadgen-p" + std::to_string(index)},
                                   {"acks", options.acks},
                                   {"compression.codec", options.compression},
                                   {"linger.ms", options.linger_ms},
                                   {"batch.size", options.batch_size},
                                   {"message.timeout.ms", "30000"}});
  if (s.ok()) s = SetProps(conf, options.producer_props);
  if (!s.ok()) {
    rd_kafka_conf_destroy(conf);
    return s;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, &Producer::OnDelivery);
  rd_kafka_conf_set_opaque(conf, p.get());
  char err[512];
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (p->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(std::string("producer: ") + err);
  }
  p->rkt_ = rd_kafka_topic_new(p->rk_, options.topic.c_str(), nullptr);
  // Only a paced producer waits (WaitUntil); an unpaced one polls as it sends, and an
  // undrained pipe would cost librdkafka a failing write on every queue wake-up.
  if (options.rate_records > 0) {
    if (absl::Status wake = p->EnableWakeups(); !wake.ok()) return wake;
  }
  return p;
}

Producer::~Producer() {
  if (rkt_) rd_kafka_topic_destroy(rkt_);
  if (rk_) rd_kafka_destroy(rk_);
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
}

absl::Status Producer::EnableWakeups() {
  if (pipe2(wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    return absl::InternalError(std::string("producer: pipe2: ") + std::strerror(errno));
  }
  // librdkafka writes a byte when its main queue (delivery reports) turns non-empty.
  rd_kafka_queue_t* main_queue = rd_kafka_queue_get_main(rk_);
  rd_kafka_queue_io_event_enable(main_queue, wake_pipe_[1], "1", 1);
  rd_kafka_queue_destroy(main_queue);
  return absl::OkStatus();
}

int64_t Producer::WaitUntil(int64_t deadline_ns) {
  for (;;) {
    char drain[64];
    while (read(wake_pipe_[0], drain, sizeof drain) > 0) {
    }
    PollQueued();
    const int64_t now = NowNs();
    if (now >= deadline_ns) return now;
    pollfd fd{wake_pipe_[0], POLLIN, 0};
    timespec left = ToTimespec(deadline_ns - now);
    ppoll(&fd, 1, &left, nullptr);
  }
}

void Producer::PollQueued() {
  poll_started_ns_ = NowNs();
  rd_kafka_poll(rk_, 0);
  poll_started_ns_ = 0;
}

void Producer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  // A produce response acknowledges a whole batch; reading the clock per record cost the
  // load generator as much CPU as its sends at 3 M records/s.
  const int64_t now = self->poll_started_ns_ != 0 ? self->poll_started_ns_ : NowNs();
  if (m->err) {
    self->stats_->Error();
    self->errors_->Add(std::string("delivery: ") + rd_kafka_err2str(m->err));
    return;
  }
  Stamp stamp;
  if (ReadStamp(m->payload, m->len, &stamp) && now >= stamp.send_ns) {
    self->stats_->latency.Record(static_cast<uint64_t>(now - stamp.send_ns));
  }
  self->stats_->Count(1, m->len, now);
}

bool Producer::Send(uint64_t sequence, int64_t stamp_ns, const std::atomic<bool>& abort) {
  Stamp stamp;
  stamp.producer = static_cast<uint32_t>(index_);
  stamp.sequence = sequence;
  stamp.send_ns = stamp_ns;
  std::memcpy(payload_.data(), &stamp, sizeof stamp);
  char key[17];
  const void* key_ptr = nullptr;
  size_t key_len = 0;
  if (options_.keyed) {
    std::snprintf(key, sizeof key, "%016" PRIx64, rng_() % options_.key_space);
    key_ptr = key;
    key_len = 16;
  }
  for (;;) {
    if (rd_kafka_produce(rkt_, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload_.data(),
                         payload_.size(), key_ptr, key_len, nullptr) == 0) {
      return true;
    }
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      stats_->Error();
      errors_->Add(std::string("produce: ") + rd_kafka_err2str(err));
      return false;
    }
    if (abort.load(std::memory_order_relaxed)) return false;
    clock_stale_ = true;
    rd_kafka_poll(rk_, 1);  // the local queue is full: serve delivery reports until it drains
  }
}

void Producer::Run(const ProducerPlan& plan, const std::atomic<bool>& abort) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);  // sleep until the due time, not 50 us later
  int64_t now = 0;
  int64_t last_wake = 0;
  for (uint64_t i = 0; plan.quota == 0 || i < plan.quota; ++i) {
    if (abort.load(std::memory_order_relaxed)) break;
    // Unpaced, a record's stamp may be up to 7 sends old (a few microseconds; a send that
    // waited for queue space forces a new reading): the clock reading per record was a tenth
    // of the machine's CPU with 100-byte records.
    if (plan.interval_ns > 0 || (i & 7) == 0 || clock_stale_) {
      now = NowNs();
      clock_stale_ = false;
    }
    if (now >= plan.end_ns) break;
    int64_t stamp = now;
    if (plan.interval_ns > 0) {
      stamp = plan.start_ns + static_cast<int64_t>(static_cast<double>(i) * plan.interval_ns);
      if (stamp > now) {
        if (stamp >= plan.end_ns) break;
        // Delivery reports are taken the moment they arrive, also while waiting: a report
        // served only at the next due time would add up to one send interval to the latency.
        // One wake-up per record (about 24,000 a second per producer in W4) was half of the
        // client's CPU; a wake-up per quantum sends what fell due meanwhile.
        now = last_wake = WaitUntil(std::max(stamp, last_wake + plan.wake_quantum_ns));
        stats_->lag_ns.store(0, std::memory_order_relaxed);
      } else {
        const int64_t lag = now - stamp;
        stats_->lag_ns.store(lag, std::memory_order_relaxed);
        if (now >= plan.warmup_end_ns && lag > stats_->max_lag_ns.load(std::memory_order_relaxed)) {
          stats_->max_lag_ns.store(lag, std::memory_order_relaxed);
        }
      }
    }
    if (!Send(i, stamp, abort)) {
      if (abort.load(std::memory_order_relaxed)) break;
      continue;
    }
    if ((i & 63) == 0) PollQueued();
  }
  const int64_t drain_end = NowNs() + plan.drain_ns;
  while (rd_kafka_outq_len(rk_) > 0 && NowNs() < drain_end &&
         !abort.load(std::memory_order_relaxed)) {
    rd_kafka_poll(rk_, 10);
  }
  if (int left = rd_kafka_outq_len(rk_); left > 0) {
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 100);  // purged records come back as failed delivery reports
    errors_->Add("records still unacknowledged at the drain deadline were purged");
  }
  stats_->done.store(true, std::memory_order_release);
}

}  // namespace sluice::bench
