#include "broker/server/broker_config.h"

#include <charconv>
#include <fstream>
#include <functional>
#include <limits>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace sluice::server {
namespace {

template <typename T>
absl::Status ParseInt(const std::string& key, const std::string& value, T min, T max, T* out) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ", key, ": '", value, "' is not an integer"));
  }
  if (v < static_cast<int64_t>(min) || v > static_cast<int64_t>(max)) {
    return absl::InvalidArgumentError(
        absl::StrCat("config ", key, ": ", v, " is outside [", min, ", ", max, "]"));
  }
  *out = static_cast<T>(v);
  return absl::OkStatus();
}

absl::Status ParseBool(const std::string& key, const std::string& value, bool* out) {
  if (value == "true")
    *out = true;
  else if (value == "false")
    *out = false;
  else
    return absl::InvalidArgumentError(
        absl::StrCat("config ", key, ": '", value, "' is not true or false"));
  return absl::OkStatus();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

absl::StatusOr<HostPort> ParseHostPort(const std::string& text) {
  // Accept an optional "PLAINTEXT://" prefix, as Kafka's listeners setting has one.
  std::string rest = text;
  if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not host:port"));
  }
  HostPort hp;
  hp.host = rest.substr(0, colon);
  if (hp.host.size() >= 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  SLUICE_RETURN_IF_ERROR(ParseInt<uint16_t>(text, rest.substr(colon + 1), 0, 65535, &hp.port));
  return hp;
}

HostPort BrokerConfig::Advertised() const {
  HostPort hp = advertised_listener;
  if (hp.host.empty()) {
    hp.host = listener.host.empty() || listener.host == "0.0.0.0" ? "localhost" : listener.host;
  }
  if (hp.port == 0) hp.port = listener.port;
  return hp;
}

namespace {

// One key: how its value is shown and how it is set. Every list of keys (--help,
// DescribeConfigs, BrokerConfigValues) comes from KeySpecs(), so they cannot disagree.
struct KeySpec {
  const char* key;
  const char* doc;
  std::function<std::string(const BrokerConfig&)> get;
  std::function<absl::Status(BrokerConfig&, const std::string& value)> set;
  const char* default_text = nullptr;  // Shown instead of the built-in value when set.
};

template <typename T>
KeySpec Int(const char* key, T BrokerConfig::*field, T min, T max, const char* doc) {
  return {key, doc, [field](const BrokerConfig& c) { return std::to_string(c.*field); },
          [key, field, min, max](BrokerConfig& c, const std::string& v) {
            return ParseInt<T>(key, v, min, max, &(c.*field));
          }};
}

// A key whose built-in default is "unset" (Kafka's null); an empty value unsets it.
template <typename T>
KeySpec Optional(const char* key, std::optional<T> BrokerConfig::*field, T min, T max,
                 const char* doc) {
  return {key, doc,
          [field](const BrokerConfig& c) {
            return (c.*field).has_value() ? std::to_string(*(c.*field)) : std::string();
          },
          [key, field, min, max](BrokerConfig& c, const std::string& v) -> absl::Status {
            if (v.empty()) {
              (c.*field).reset();
              return absl::OkStatus();
            }
            T parsed{};
            SLUICE_RETURN_IF_ERROR(ParseInt<T>(key, v, min, max, &parsed));
            c.*field = parsed;
            return absl::OkStatus();
          }};
}

KeySpec Bool(const char* key, bool BrokerConfig::*field, const char* doc) {
  return {key, doc,
          [field](const BrokerConfig& c) { return std::string(c.*field ? "true" : "false"); },
          [key, field](BrokerConfig& c, const std::string& v) {
            return ParseBool(key, v, &(c.*field));
          }};
}

KeySpec Address(const char* key, HostPort BrokerConfig::*field, const char* doc) {
  return {key, doc, [field](const BrokerConfig& c) { return (c.*field).ToString(); },
          [field](BrokerConfig& c, const std::string& v) -> absl::Status {
            SLUICE_ASSIGN_OR_RETURN(c.*field, ParseHostPort(v));
            return absl::OkStatus();
          }};
}

const std::vector<KeySpec>& KeySpecs() {
  constexpr int32_t kMaxI32 = std::numeric_limits<int32_t>::max();
  constexpr int64_t kMaxI64 = std::numeric_limits<int64_t>::max();
  using C = BrokerConfig;
  static const std::vector<KeySpec> specs = {
      {"data.dir", "directory holding partition logs and the metadata store",
       [](const C& c) { return c.data_dir; },
       [](C& c, const std::string& v) {
         if (v.empty()) return absl::InvalidArgumentError("config data.dir: must not be empty");
         c.data_dir = v;
         return absl::OkStatus();
       }},
      Address("listeners", &C::listener, "host:port of the Kafka listener"),
      {"advertised.listeners", "host:port announced to clients in Metadata",
       [](const C& c) { return c.Advertised().ToString(); },
       [](C& c, const std::string& v) -> absl::Status {
         SLUICE_ASSIGN_OR_RETURN(c.advertised_listener, ParseHostPort(v));
         return absl::OkStatus();
       },
       "(listeners)"},
      Address("http.listeners", &C::http_listener, "host:port of /metrics, /healthz and /readyz"),
      Int("node.id", &C::node_id, 0, kMaxI32, "this broker's id"),
      Int("io.threads", &C::io_threads, 1, 64, "threads serving network requests"),
      Bool("auto.create.topics.enable", &C::auto_create_topics,
           "create unknown topics named in Metadata requests"),
      Int("num.partitions", &C::num_partitions, 1, 100000,
          "partitions of auto-created topics and of CreateTopics with -1"),
      Int<int16_t>("default.replication.factor", &C::default_replication_factor, 1, 1,
                   "replication factor when CreateTopics gives -1"),
      Int<int64_t>("log.segment.bytes", &C::segment_bytes, 14, kMaxI32,
                   "roll a segment when it would pass this size"),
      Int<int64_t>("log.segment.ms", &C::segment_ms, 1, kMaxI64,
                   "roll a non-empty segment older than this"),
      Int("log.index.interval.bytes", &C::log_index_interval_bytes, 0, kMaxI32,
          "bytes between sparse offset index entries"),
      Optional<int64_t>("log.retention.ms", &C::log_retention_ms, -1, kMaxI64,
                        "default retention.ms; -1 keeps data forever (unset: minutes/hours)"),
      Optional<int32_t>("log.retention.minutes", &C::log_retention_minutes, -1, kMaxI32,
                        "default retention in minutes when log.retention.ms is unset"),
      Int("log.retention.hours", &C::log_retention_hours, -1, kMaxI32,
          "default retention in hours when log.retention.ms and .minutes are unset"),
      Int<int64_t>("log.retention.bytes", &C::log_retention_bytes, -1, kMaxI64,
                   "default retention.bytes of a partition; -1 for no size limit"),
      Int<int64_t>("log.retention.check.interval.ms", &C::log_retention_check_interval_ms, 1,
                   kMaxI64, "how often the retention task looks for segments to delete"),
      Bool("log.cleaner.enable", &C::log_cleaner_enable,
           "compact topics whose cleanup.policy contains compact"),
      Int<int64_t>("log.cleaner.backoff.ms", &C::log_cleaner_backoff_ms, 1, kMaxI64,
                   "how often the log cleaner looks for partitions to compact"),
      Int<int64_t>("log.cleaner.dedupe.buffer.size", &C::log_cleaner_dedupe_buffer_size, 1, kMaxI64,
                   "memory for the key map of one compaction pass"),
      Int("message.max.bytes", &C::message_max_bytes, 0, kMaxI32, "largest record batch accepted"),
      Int("socket.request.max.bytes", &C::socket_request_max_bytes, 64, kMaxI32,
          "largest request frame accepted"),
      Int("max.inflight.requests.per.connection", &C::max_inflight_requests_per_connection, 1,
          10000, "pipelined requests read ahead"),
      {"log.level", "debug, info, warn or error", [](const C& c) { return c.log_level; },
       [](C& c, const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return absl::InvalidArgumentError(
               "config log.level: must be debug, info, warn or error");
         }
         c.log_level = v;
         return absl::OkStatus();
       }},
      Int<int64_t>("log.flush.interval.messages", &C::log_flush_interval_messages, 1, kMaxI64,
                   "default of flush.messages: 1 acknowledges produce only after fdatasync"),
      {"log.write.behind.bytes",
       "start the disk write of a partition's appended pages once this many bytes wait "
       "(0 or at least 4096); 0 leaves it to the kernel's flusher",
       [](const C& c) { return std::to_string(c.log_write_behind_bytes); },
       [](C& c, const std::string& v) {
         int64_t bytes = 0;
         absl::Status parsed = ParseInt<int64_t>("log.write.behind.bytes", v, 0, kMaxI64, &bytes);
         if (!parsed.ok()) return parsed;
         if (bytes != 0 && bytes < 4096) {
           return absl::InvalidArgumentError(
               "config log.write.behind.bytes: must be 0 or at least 4096 (one page)");
         }
         c.log_write_behind_bytes = bytes;
         return absl::OkStatus();
       }},
      Int("group.min.session.timeout.ms", &C::group_min_session_timeout_ms, 0, kMaxI32,
          "smallest session timeout a group member may ask for"),
      Int("group.max.session.timeout.ms", &C::group_max_session_timeout_ms, 0, kMaxI32,
          "largest session timeout a group member may ask for"),
      Int("group.initial.rebalance.delay.ms", &C::group_initial_rebalance_delay_ms, 0, kMaxI32,
          "how long the first rebalance of an empty group waits for more members"),
      Int("offset.metadata.max.bytes", &C::offset_metadata_max_bytes, 0, kMaxI32,
          "largest metadata string of a committed offset"),
      Int("offsets.retention.minutes", &C::offsets_retention_minutes, 1, kMaxI32,
          "committed offsets of an empty group are deleted after this long"),
      Int<int64_t>("offsets.retention.check.interval.ms", &C::offsets_retention_check_interval_ms,
                   1, kMaxI64, "how often expired offsets and empty groups are looked for"),
  };
  return specs;
}

}  // namespace

const std::vector<ConfigKeyDoc>& BrokerConfigKeys() {
  static const std::vector<ConfigKeyDoc> keys = [] {
    std::vector<ConfigKeyDoc> out;
    const BrokerConfig defaults;
    for (const KeySpec& spec : KeySpecs()) {
      out.push_back(
          {spec.key, spec.default_text ? spec.default_text : spec.get(defaults), spec.doc});
    }
    return out;
  }();
  return keys;
}

std::map<std::string, std::string> BrokerConfigValues(const BrokerConfig& c) {
  std::map<std::string, std::string> out;
  for (const KeySpec& spec : KeySpecs()) out[spec.key] = spec.get(c);
  return out;
}

absl::Status SetBrokerConfigKey(BrokerConfig& c, const std::string& key, const std::string& value) {
  for (const KeySpec& spec : KeySpecs()) {
    if (key == spec.key) return spec.set(c, value);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown config key '", key, "'"));
}

int64_t BrokerConfig::EffectiveRetentionMs() const {
  if (log_retention_ms.has_value()) return *log_retention_ms;
  int64_t minutes = log_retention_minutes.has_value() ? int64_t{*log_retention_minutes}
                                                      : int64_t{log_retention_hours} * 60;
  return minutes < 0 ? -1 : minutes * 60 * 1000;
}

group::GroupConfig BrokerConfig::Groups() const {
  group::GroupConfig g;
  g.min_session_timeout_ms = group_min_session_timeout_ms;
  g.max_session_timeout_ms = group_max_session_timeout_ms;
  g.initial_rebalance_delay_ms = group_initial_rebalance_delay_ms;
  g.offset_metadata_max_bytes = offset_metadata_max_bytes;
  g.offsets_retention_ms = int64_t{offsets_retention_minutes} * 60 * 1000;
  g.offsets_retention_check_interval_ms = offsets_retention_check_interval_ms;
  g.max_group_record_bytes = message_max_bytes;
  return g;
}

absl::StatusOr<std::map<std::string, std::string>> ReadPropertiesFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  std::map<std::string, std::string> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '!') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": expected key=value"));
    }
    out[Trim(t.substr(0, eq))] = Trim(t.substr(eq + 1));
  }
  return out;
}

std::string BrokerUsage() {
  std::string text =
      "usage: sluice-broker [--config FILE] [--<key> VALUE]...\n"
      "Each config key is also a flag with dots as dashes (log.segment.bytes: "
      "--log-segment-bytes).\n--version prints the version, --help this text.\n\nkeys (default):\n";
  for (const auto& k : BrokerConfigKeys()) {
    absl::StrAppend(&text, "  ", k.key, " (", k.default_value, ")\n      ", k.doc, "\n");
  }
  return text;
}

absl::StatusOr<BrokerConfig> ParseBrokerFlags(int argc, char** argv) {
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return absl::CancelledError(BrokerUsage());
    // SLUICE_VERSION: the project version, defined for this file in CMakeLists.txt.
    if (arg == "--version") {
      return absl::CancelledError(absl::StrCat("sluice-broker ", SLUICE_VERSION, "\n"));
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    }
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
    }
    if (name == "config") {
      config_file = value;
      continue;
    }
    for (char& ch : name) ch = ch == '-' ? '.' : ch;
    flags.emplace_back(name, value);
  }
  BrokerConfig config;
  if (!config_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(auto props, ReadPropertiesFile(config_file));
    for (const auto& [k, v] : props) SLUICE_RETURN_IF_ERROR(SetBrokerConfigKey(config, k, v));
  }
  for (const auto& [k, v] : flags) SLUICE_RETURN_IF_ERROR(SetBrokerConfigKey(config, k, v));
  return config;
}

}  // namespace sluice::server
