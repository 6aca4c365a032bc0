#include "broker/server/broker_config.h"

#include <charconv>
#include <fstream>
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

const std::vector<ConfigKeyDoc>& BrokerConfigKeys() {
  static const std::vector<ConfigKeyDoc> keys = {
      {"data.dir", "data", "directory holding partition logs and the metadata store"},
      {"listeners", "127.0.0.1:9092", "host:port of the Kafka listener"},
      {"advertised.listeners", "(listeners)", "host:port announced to clients in Metadata"},
      {"http.listeners", "127.0.0.1:8090", "host:port of /metrics, /healthz and /readyz"},
      {"node.id", "0", "this broker's id"},
      {"io.threads", "2", "threads serving network requests"},
      {"auto.create.topics.enable", "true", "create unknown topics named in Metadata requests"},
      {"num.partitions", "1", "partitions of auto-created topics and of CreateTopics with -1"},
      {"default.replication.factor", "1", "replication factor when CreateTopics gives -1"},
      {"log.segment.bytes", "1073741824", "roll a segment when it would pass this size"},
      {"log.segment.ms", "604800000", "roll a non-empty segment older than this"},
      {"log.index.interval.bytes", "4096", "bytes between sparse offset index entries"},
      {"message.max.bytes", "1048588", "largest record batch accepted"},
      {"socket.request.max.bytes", "104857600", "largest request frame accepted"},
      {"max.inflight.requests.per.connection", "100", "pipelined requests read ahead"},
      {"log.level", "info", "debug, info, warn or error"},
  };
  return keys;
}

std::map<std::string, std::string> BrokerConfigValues(const BrokerConfig& c) {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  return {
      {"data.dir", c.data_dir},
      {"listeners", c.listener.ToString()},
      {"advertised.listeners", c.Advertised().ToString()},
      {"http.listeners", c.http_listener.ToString()},
      {"node.id", std::to_string(c.node_id)},
      {"io.threads", std::to_string(c.io_threads)},
      {"auto.create.topics.enable", b(c.auto_create_topics)},
      {"num.partitions", std::to_string(c.num_partitions)},
      {"default.replication.factor", std::to_string(c.default_replication_factor)},
      {"log.segment.bytes", std::to_string(c.segment_bytes)},
      {"log.segment.ms", std::to_string(c.segment_ms)},
      {"log.index.interval.bytes", std::to_string(c.log_index_interval_bytes)},
      {"message.max.bytes", std::to_string(c.message_max_bytes)},
      {"socket.request.max.bytes", std::to_string(c.socket_request_max_bytes)},
      {"max.inflight.requests.per.connection",
       std::to_string(c.max_inflight_requests_per_connection)},
      {"log.level", c.log_level},
  };
}

absl::Status SetBrokerConfigKey(BrokerConfig& c, const std::string& key, const std::string& value) {
  constexpr int32_t kMaxI32 = std::numeric_limits<int32_t>::max();
  if (key == "data.dir") {
    if (value.empty()) return absl::InvalidArgumentError("config data.dir: must not be empty");
    c.data_dir = value;
    return absl::OkStatus();
  }
  if (key == "listeners") {
    SLUICE_ASSIGN_OR_RETURN(c.listener, ParseHostPort(value));
    return absl::OkStatus();
  }
  if (key == "advertised.listeners") {
    SLUICE_ASSIGN_OR_RETURN(c.advertised_listener, ParseHostPort(value));
    return absl::OkStatus();
  }
  if (key == "http.listeners") {
    SLUICE_ASSIGN_OR_RETURN(c.http_listener, ParseHostPort(value));
    return absl::OkStatus();
  }
  if (key == "node.id") return ParseInt<int32_t>(key, value, 0, kMaxI32, &c.node_id);
  if (key == "io.threads") return ParseInt<int32_t>(key, value, 1, 64, &c.io_threads);
  if (key == "auto.create.topics.enable") return ParseBool(key, value, &c.auto_create_topics);
  if (key == "num.partitions") return ParseInt<int32_t>(key, value, 1, 100000, &c.num_partitions);
  if (key == "default.replication.factor") {
    return ParseInt<int16_t>(key, value, 1, 1, &c.default_replication_factor);
  }
  if (key == "log.segment.bytes") {
    return ParseInt<int64_t>(key, value, 14, kMaxI32, &c.segment_bytes);
  }
  if (key == "log.segment.ms") {
    return ParseInt<int64_t>(key, value, 1, std::numeric_limits<int64_t>::max(), &c.segment_ms);
  }
  if (key == "log.index.interval.bytes") {
    return ParseInt<int32_t>(key, value, 0, kMaxI32, &c.log_index_interval_bytes);
  }
  if (key == "message.max.bytes")
    return ParseInt<int32_t>(key, value, 0, kMaxI32, &c.message_max_bytes);
  if (key == "socket.request.max.bytes") {
    return ParseInt<int32_t>(key, value, 64, kMaxI32, &c.socket_request_max_bytes);
  }
  if (key == "max.inflight.requests.per.connection") {
    return ParseInt<int32_t>(key, value, 1, 10000, &c.max_inflight_requests_per_connection);
  }
  if (key == "log.level") {
    if (value != "debug" && value != "info" && value != "warn" && value != "error") {
      return absl::InvalidArgumentError("config log.level: must be debug, info, warn or error");
    }
    c.log_level = value;
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown config key '", key, "'"));
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
      "--log-segment-bytes).\n\nkeys (default):\n";
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
