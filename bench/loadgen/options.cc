#include "bench/loadgen/options.h"

#include <charconv>
#include <functional>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sluice::bench {

namespace {

using Setter = std::function<absl::Status(Options&, const std::string&)>;

absl::Status Bad(const std::string& flag, const std::string& value, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " ", value, ": expected ", want));
}

template <typename T>
Setter Number(const char* flag, T Options::*field, T min) {
  return [flag, field, min](Options& o, const std::string& v) -> absl::Status {
    T out{};
    const char* end = v.data() + v.size();
    auto [ptr, ec] = std::from_chars(v.data(), end, out);
    if (ec != std::errc() || ptr != end || out < min) return Bad(flag, v, "a number in range");
    o.*field = out;
    return absl::OkStatus();
  };
}

Setter Text(std::string Options::*field) {
  return [field](Options& o, const std::string& v) {
    o.*field = v;
    return absl::OkStatus();
  };
}

Setter KeyValue(const char* flag,
                std::vector<std::pair<std::string, std::string>> Options::*field) {
  return [flag, field](Options& o, const std::string& v) -> absl::Status {
    auto eq = v.find('=');
    if (eq == std::string::npos || eq == 0) return Bad(flag, v, "key=value");
    (o.*field).emplace_back(v.substr(0, eq), v.substr(eq + 1));
    return absl::OkStatus();
  };
}

const std::map<std::string, Setter>& ValueFlags() {
  static const auto* flags = new std::map<std::string, Setter>{
      {"bootstrap", Text(&Options::bootstrap)},
      {"topic", Text(&Options::topic)},
      {"partitions", Number("partitions", &Options::partitions, 1)},
      {"replication-factor", Number("replication-factor", &Options::replication_factor, 1)},
      {"topic-config", KeyValue("topic-config", &Options::topic_configs)},
      {"producers", Number("producers", &Options::producers, 0)},
      {"consumers", Number("consumers", &Options::consumers, 0)},
      {"record-size", Number("record-size", &Options::record_size, 24)},
      {"key-space", Number<uint64_t>("key-space", &Options::key_space, 1)},
      {"rate", Number("rate", &Options::rate_records, 0.0)},
      {"rate-mbps",
       [](Options& o, const std::string& v) -> absl::Status {
         // Converted after parsing, once the record size is known: stored negative meanwhile.
         double mbps = 0;
         auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), mbps);
         if (ec != std::errc() || ptr != v.data() + v.size() || mbps < 0)
           return Bad("rate-mbps", v, "MB/s >= 0");
         o.rate_records = -mbps;
         return absl::OkStatus();
       }},
      {"duration", Number("duration", &Options::duration_s, 0.0)},
      {"records", Number<uint64_t>("records", &Options::max_records, 0)},
      {"warmup", Number("warmup", &Options::warmup_s, 0.0)},
      {"drain", Number("drain", &Options::drain_s, 0.0)},
      {"pace-quantum-us", Number("pace-quantum-us", &Options::pace_quantum_us, 0.0)},
      {"consumer-api", Text(&Options::consumer_api)},
      {"acks", Text(&Options::acks)},
      {"compression", Text(&Options::compression)},
      {"linger-ms", Text(&Options::linger_ms)},
      {"batch-size", Text(&Options::batch_size)},
      {"producer-prop", KeyValue("producer-prop", &Options::producer_props)},
      {"consumer-prop", KeyValue("consumer-prop", &Options::consumer_props)},
      {"json", Text(&Options::json_path)},
      {"label", Text(&Options::label)},
  };
  return *flags;
}

const std::map<std::string, bool Options::*>& BoolFlags() {
  static const auto* flags = new std::map<std::string, bool Options::*>{
      {"create-topic", &Options::create_topic},
      {"alter-topic", &Options::alter_topic},
      {"delete-topic", &Options::delete_topic},
      {"keyed", &Options::keyed},
      {"consume-existing", &Options::consume_existing},
      {"progress", &Options::progress},
  };
  return *flags;
}

}  // namespace

absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return absl::InvalidArgumentError("unexpected argument " + arg);
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (auto b = BoolFlags().find(name); b != BoolFlags().end()) {
      if (has_value) return absl::InvalidArgumentError("--" + name + " takes no value");
      o.*(b->second) = true;
      continue;
    }
    auto f = ValueFlags().find(name);
    if (f == ValueFlags().end()) return absl::InvalidArgumentError("unknown flag --" + name);
    if (!has_value) {
      if (++i == args.size()) return absl::InvalidArgumentError("--" + name + " needs a value");
      value = args[i];
    }
    if (absl::Status s = f->second(o, value); !s.ok()) return s;
  }
  if (o.rate_records < 0) o.rate_records = -o.rate_records * 1e6 / o.record_size;
  if (o.bootstrap.empty() || o.topic.empty()) {
    return absl::InvalidArgumentError("--bootstrap and --topic are required");
  }
  if (o.consume_existing && o.producers > 0) {
    return absl::InvalidArgumentError("--consume-existing needs --producers 0");
  }
  if (o.consumer_api != "simple" && o.consumer_api != "assign") {
    return absl::InvalidArgumentError("--consumer-api is simple or assign");
  }
  if (o.producers > 0 && o.duration_s <= 0 && o.max_records == 0) {
    return absl::InvalidArgumentError("producing needs a bound: --duration and/or --records");
  }
  if (o.duration_s <= 0) o.duration_s = 3600;  // a count bound alone still stops within an hour
  return o;
}

std::string UsageText() {
  return R"(usage: sluice-loadgen --bootstrap HOST:PORT --topic NAME [flags]

Drives a Kafka-compatible broker with N producer and M consumer threads (each its own librdkafka
client) and reports throughput per second and latency percentiles (JSON with --json).

topic:     --create-topic [--partitions 100] [--replication-factor 1] [--topic-config k=v]...
           --alter-topic (set the topic's configs to exactly the --topic-config list)
           --delete-topic (after the run)
load:      --producers 1 --consumers 0 --record-size 1024 [--keyed [--key-space 100000]]
           --rate RECORDS/S | --rate-mbps MB/S (10^6 bytes/s of record values; 0 = unlimited)
           --pace-quantum-us 100 (with a rate: wake at most this often, send what is due)
bounds:    --duration 10 (s of producing) --records N (all producers together; 0 = none)
           --warmup 0 (s left out of the summary) --drain 15 (s to wait for acks and consumers)
consume:   --consume-existing (read the topic from the beginning to its end at start)
           --consumer-api simple|assign
client:    --acks 1 --compression none --linger-ms 5 --batch-size 1000000
           --producer-prop k=v... --consumer-prop k=v... (any librdkafka property)
output:    --json FILE --label TEXT --progress

Latency: every record value starts with a 24-byte stamp holding its scheduled send time
(CLOCK_MONOTONIC). Produce latency = delivery report time - stamp; end-to-end = consume time -
stamp. With a rate, the stamp is the time the record was due, not when it left, so a stalled
producer shows up as latency (coordinated omission corrected).
)";
}

}  // namespace sluice::bench
