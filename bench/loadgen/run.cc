#include "bench/loadgen/run.h"

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/loadgen/admin.h"
#include "bench/loadgen/consumer.h"
#include "bench/loadgen/producer.h"

namespace sluice::bench {

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int kAdminTimeoutMs = 30000;

using StatsList = std::vector<std::unique_ptr<WorkerStats>>;

// Everything the workers of one side (producers or consumers) had done at one instant.
struct Snapshot {
  uint64_t records = 0, bytes = 0, errors = 0;
  HistogramCounts latency;

  static Snapshot Of(const StatsList& workers) {
    Snapshot s;
    HistogramCounts one;
    for (const auto& w : workers) {
      s.records += w->records.load(std::memory_order_relaxed);
      s.bytes += w->bytes.load(std::memory_order_relaxed);
      s.errors += w->errors.load(std::memory_order_relaxed);
      w->latency.SnapshotInto(one);
      s.latency.Add(one);
    }
    return s;
  }
  Snapshot Minus(const Snapshot& earlier) const {
    Snapshot d = *this;
    d.records -= earlier.records;
    d.bytes -= earlier.bytes;
    d.errors -= earlier.errors;
    d.latency.Subtract(earlier.latency);
    return d;
  }
};

double Us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

nlohmann::json Percentiles(const HistogramCounts& h) {
  return {{"count", h.total},
          {"mean_us", h.Mean() / 1000.0},
          {"p50_us", Us(h.ValueAtQuantile(0.50))},
          {"p90_us", Us(h.ValueAtQuantile(0.90))},
          {"p99_us", Us(h.ValueAtQuantile(0.99))},
          {"p999_us", Us(h.ValueAtQuantile(0.999))},
          {"p9999_us", Us(h.ValueAtQuantile(0.9999))},
          {"max_us", Us(h.MaxBucketHigh())}};
}

// Non-empty buckets as [upper bound in us, count], for plotting the distribution.
nlohmann::json Buckets(const HistogramCounts& h) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (h.counts[i]) out.push_back({Us(HistogramBucketHigh(static_cast<int>(i))), h.counts[i]});
  }
  return out;
}

nlohmann::json Side(const Snapshot& d, double seconds) {
  const double s = seconds > 0 ? seconds : 0;
  return {{"records", d.records},
          {"bytes", d.bytes},
          {"errors", d.errors},
          {"seconds", s},
          {"records_per_s", s > 0 ? static_cast<double>(d.records) / s : 0.0},
          {"mb_per_s", s > 0 ? static_cast<double>(d.bytes) / s / 1e6 : 0.0},
          {"latency", Percentiles(d.latency)},
          {"latency_buckets", Buckets(d.latency)}};
}

int64_t LatestNs(const StatsList& workers) {
  int64_t t = 0;
  for (const auto& w : workers) t = std::max(t, w->last_ns.load(std::memory_order_relaxed));
  return t;
}

uint64_t Records(const StatsList& workers) {
  uint64_t n = 0;
  for (const auto& w : workers) n += w->records.load(std::memory_order_relaxed);
  return n;
}

int64_t MaxOf(const StatsList& workers, std::atomic<int64_t> WorkerStats::*field) {
  int64_t v = 0;
  for (const auto& w : workers) v = std::max(v, ((*w).*field).load(std::memory_order_relaxed));
  return v;
}

bool AllDone(const StatsList& workers) {
  return std::all_of(workers.begin(), workers.end(),
                     [](const auto& w) { return w->done.load(std::memory_order_acquire); });
}

nlohmann::json OptionsJson(const Options& o) {
  return {{"bootstrap", o.bootstrap},
          {"topic", o.topic},
          {"partitions", o.partitions},
          {"producers", o.producers},
          {"consumers", o.consumers},
          {"record_size", o.record_size},
          {"keyed", o.keyed},
          {"key_space", o.key_space},
          {"rate_records_per_s", o.rate_records},
          {"duration_s", o.duration_s},
          {"max_records", o.max_records},
          {"warmup_s", o.warmup_s},
          {"drain_s", o.drain_s},
          {"consume_existing", o.consume_existing},
          {"consumer_api", o.consumer_api},
          {"acks", o.acks},
          {"compression", o.compression},
          {"linger_ms", o.linger_ms},
          {"batch_size", o.batch_size},
          {"producer_props", o.producer_props},
          {"consumer_props", o.consumer_props},
          {"topic_configs", o.topic_configs},
          {"label", o.label}};
}

}  // namespace

absl::StatusOr<nlohmann::json> RunLoad(const Options& o) {
  absl::StatusOr<Admin> admin = Admin::Connect(o);
  if (!admin.ok()) return admin.status();
  if (o.create_topic) {
    if (absl::Status s = admin->CreateTopic(o, kAdminTimeoutMs); !s.ok()) return s;
  }
  if (o.alter_topic) {
    if (absl::Status s = admin->AlterTopicConfigs(o, kAdminTimeoutMs); !s.ok()) return s;
  }
  nlohmann::json out = {{"tool", "sluice-loadgen"},
                        {"librdkafka", rd_kafka_version_str()},
                        {"options", OptionsJson(o)}};
  std::vector<std::string> problems;
  // The subset of `problems` that says only that the schedule was not kept: the figures are
  // real, but the load was not the one asked for.
  std::vector<std::string> timing_problems;

  if (o.producers > 0 || o.consumers > 0) {
    absl::StatusOr<int> partitions = admin->WaitForLeaders(o.topic, kAdminTimeoutMs);
    if (!partitions.ok()) return partitions.status();
    out["partitions"] = *partitions;

    // Where each consumer starts: the topic's beginning, and for old data also where it ends.
    std::vector<std::vector<PartitionStart>> assignment(
        static_cast<size_t>(std::max(o.consumers, 1)));
    uint64_t existing = 0;
    if (o.consumers > 0) {
      std::vector<Watermark> marks;
      if (o.consume_existing) {
        absl::StatusOr<std::vector<Watermark>> w =
            admin->Watermarks(o.topic, *partitions, kAdminTimeoutMs);
        if (!w.ok()) return w.status();
        marks = *w;
        for (const Watermark& m : marks) existing += static_cast<uint64_t>(m.high - m.low);
      }
      for (int p = 0; p < *partitions; ++p) {
        assignment[static_cast<size_t>(p % o.consumers)].push_back(
            {p,
             o.consume_existing ? marks[static_cast<size_t>(p)].low : RD_KAFKA_OFFSET_BEGINNING});
      }
      out["existing_records"] = existing;
    }

    ErrorLog errors;
    StatsList pstats, cstats;
    std::vector<std::unique_ptr<Producer>> producers;
    std::vector<std::unique_ptr<Consumer>> consumers;
    for (int i = 0; i < o.producers; ++i) {
      pstats.push_back(std::make_unique<WorkerStats>());
      absl::StatusOr<std::unique_ptr<Producer>> p =
          Producer::Create(o, i, pstats.back().get(), &errors);
      if (!p.ok()) return p.status();
      producers.push_back(std::move(*p));
    }
    for (int i = 0; i < o.consumers; ++i) {
      cstats.push_back(std::make_unique<WorkerStats>());
      absl::StatusOr<std::unique_ptr<Consumer>> c =
          Consumer::Create(o, i, cstats.back().get(), &errors);
      if (!c.ok()) return c.status();
      consumers.push_back(std::move(*c));
    }

    std::atomic<bool> abort{false}, stop_consumers{false};
    const int64_t t0 = NowNs();
    const int64_t produce_end = t0 + static_cast<int64_t>(o.duration_s * kSecond);
    const int64_t drain_ns = static_cast<int64_t>(o.drain_s * kSecond);
    const int64_t hard_deadline = produce_end + 2 * drain_ns + 30 * kSecond;
    const int64_t warmup_end = t0 + static_cast<int64_t>(o.warmup_s * kSecond);

    std::vector<std::thread> threads;
    for (int i = 0; i < o.consumers; ++i) {
      threads.emplace_back([&, i] {
        consumers[i]->Run(assignment[static_cast<size_t>(i)], !o.consume_existing, stop_consumers);
      });
    }
    const double rate_each = o.rate_records / std::max(o.producers, 1);
    for (int i = 0; i < o.producers; ++i) {
      ProducerPlan plan;
      plan.interval_ns = rate_each > 0 ? 1e9 / rate_each : 0;
      plan.start_ns = t0 + static_cast<int64_t>(plan.interval_ns * i / o.producers);  // staggered
      plan.end_ns = produce_end;
      plan.quota = o.max_records ? (o.max_records / o.producers +
                                    (static_cast<uint64_t>(i) < o.max_records % o.producers))
                                 : 0;
      plan.drain_ns = drain_ns;
      plan.warmup_end_ns = warmup_end;
      plan.wake_quantum_ns = static_cast<int64_t>(o.pace_quantum_us * 1000);
      threads.emplace_back([&, i, plan] { producers[i]->Run(plan, abort); });
    }

    // Sample once a second; check every 50 ms whether the run is over.
    nlohmann::json series = nlohmann::json::array();
    Snapshot prev_p, prev_c, base_p, base_c;
    int64_t base_ns = t0, prev_ns = t0, next_tick = t0 + kSecond, producers_done_ns = 0;
    bool have_base = o.warmup_s <= 0, finished = false;
    while (!finished) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int64_t now = NowNs();
      const bool producers_done = AllDone(pstats);
      if (producers_done && producers_done_ns == 0) producers_done_ns = now;
      if (!stop_consumers.load()) {
        const uint64_t consumed = Records(cstats);
        bool caught_up = o.consume_existing ? consumed >= existing
                                            : producers_done && consumed >= Records(pstats);
        bool out_of_time = o.consume_existing
                               ? now >= produce_end
                               : producers_done && now >= producers_done_ns + drain_ns;
        if (o.consumers == 0 || caught_up || out_of_time) stop_consumers.store(true);
      }
      if (now >= hard_deadline && !abort.load()) {
        abort.store(true);
        stop_consumers.store(true);
        problems.push_back("hard deadline reached: the run was aborted");
      }
      finished = producers_done && AllDone(cstats);
      if (now < next_tick && !finished) continue;
      Snapshot p = Snapshot::Of(pstats), c = Snapshot::Of(cstats);
      Snapshot dp = p.Minus(prev_p), dc = c.Minus(prev_c);
      const double dt = static_cast<double>(now - prev_ns) / 1e9;
      series.push_back(
          {{"t_s", static_cast<double>(now - t0) / 1e9},
           {"dt_s", dt},
           {"produced_records", dp.records},
           {"produced_mb_per_s", static_cast<double>(dp.bytes) / dt / 1e6},
           {"produce_errors", dp.errors},
           {"send_lag_ms", static_cast<double>(MaxOf(pstats, &WorkerStats::lag_ns)) / 1e6},
           {"consumed_records", dc.records},
           {"consumed_mb_per_s", static_cast<double>(dc.bytes) / dt / 1e6},
           {"produce_latency", Percentiles(dp.latency)},
           {"e2e_latency", Percentiles(dc.latency)}});
      if (o.progress) {
        std::fprintf(
            stderr,
            "%6.1fs produced %8.1f MB/s p99 %8.1f us | consumed %8.1f MB/s e2e p99 %8.1f us\n",
            static_cast<double>(now - t0) / 1e9, static_cast<double>(dp.bytes) / dt / 1e6,
            Us(dp.latency.ValueAtQuantile(0.99)), static_cast<double>(dc.bytes) / dt / 1e6,
            Us(dc.latency.ValueAtQuantile(0.99)));
      }
      if (!have_base && now >= warmup_end) {
        base_p = p;
        base_c = c;
        base_ns = now;
        have_base = true;
      }
      prev_p = p;
      prev_c = c;
      prev_ns = now;
      while (next_tick <= now) next_tick += kSecond;
    }
    for (auto& t : threads) t.join();

    Snapshot p = Snapshot::Of(pstats), c = Snapshot::Of(cstats);
    if (!have_base) {
      problems.push_back("the run ended before the warm-up did; the summary covers the whole run");
    }
    const int64_t p_end = LatestNs(pstats), c_end = LatestNs(cstats);
    out["summary"] = {
        {"measured_from_s", static_cast<double>(base_ns - t0) / 1e9},
        {"produce", Side(p.Minus(base_p), static_cast<double>(p_end - base_ns) / 1e9)},
        {"consume", Side(c.Minus(base_c), static_cast<double>(c_end - base_ns) / 1e9)},
        {"produce_total_records", p.records},
        {"max_send_lag_ms", static_cast<double>(MaxOf(pstats, &WorkerStats::max_lag_ns)) / 1e6},
        {"consume_total_records", c.records},
    };
    out["series"] = std::move(series);
    out["errors"] = errors.Messages();
    if (p.errors || c.errors)
      problems.push_back(absl::StrCat(p.errors, " produce and ", c.errors, " consume errors"));
    if (o.producers > 0 && p.records == 0) problems.push_back("no record was acknowledged");
    if (const int64_t lag = MaxOf(pstats, &WorkerStats::max_lag_ns);
        o.rate_records > 0 && lag > 100'000'000) {
      timing_problems.push_back(absl::StrCat(
          "producers fell up to ", lag / 1'000'000,
          " ms behind their schedule after the warm-up (the client was short of CPU or the broker "
          "pushed back); the latency figures include that wait"));
    }
    const Snapshot measured = p.Minus(base_p);
    const double measured_s = static_cast<double>(p_end - base_ns) / 1e9;
    if (o.rate_records > 0 && measured_s > 0 && (o.max_records == 0 || p.records < o.max_records) &&
        static_cast<double>(measured.records) / measured_s < 0.95 * o.rate_records) {
      timing_problems.push_back(
          absl::StrCat("the rate was not reached: ",
                       static_cast<int64_t>(static_cast<double>(measured.records) / measured_s),
                       " of ", static_cast<int64_t>(o.rate_records),
                       " records/s acknowledged; records queued up in the client"));
    }
    const uint64_t want = o.consume_existing ? existing : p.records;
    if (o.consumers > 0 && c.records < want) {
      problems.push_back(absl::StrCat("consumers read ", c.records, " of ", want, " records"));
    }
  }

  if (o.delete_topic) {
    if (absl::Status s = admin->DeleteTopic(o.topic, kAdminTimeoutMs); !s.ok())
      problems.push_back(s.ToString());
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  out["loadgen_cpu_s"] = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  out["loadgen_max_rss_kib"] = ru.ru_maxrss;
  problems.insert(problems.end(), timing_problems.begin(), timing_problems.end());
  out["problems"] = problems;
  out["timing_problems"] = timing_problems;
  return out;
}

}  // namespace sluice::bench
