#include "operator/operator_flags.h"

#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status.h"

namespace sluice::operator_main {
namespace {

bool IsHostPort(const std::string& s) {
  size_t colon = s.rfind(':');
  int port = 0;
  return colon != std::string::npos && colon > 0 && absl::SimpleAtoi(s.substr(colon + 1), &port) &&
         port > 0 && port < 65536;
}

absl::Status ParseIntFlag(const std::string& name, const std::string& value, int min, int max,
                          int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < min || *out > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": '", value, "' is not an integer in [", min, ", ", max, "]"));
  }
  return absl::OkStatus();
}

absl::Status ParseOnOff(const std::string& name, const std::string& value, bool* out) {
  if (value == "on" || value == "true" || value == "1") {
    *out = true;
  } else if (value == "off" || value == "false" || value == "0") {
    *out = false;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("--", name, ": must be on or off"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string Usage() {
  return R"(usage: sluice-operator [flags]
Reconciles SluiceCluster resources (sluice.dev/v1alpha1) into broker StatefulSets.

  --kubeconfig FILE            kubeconfig to use (default: in-cluster service account)
  --context NAME               kubeconfig context (default: its current-context)
  --namespace NS               namespace to watch (default: all namespaces)
  --leader-election on|off     run only while holding the Lease (default: on)
  --lease-name NAME            Lease name (default: sluice-operator)
  --lease-namespace NS         Lease namespace (default: --namespace, else the pod's, else default)
  --identity ID                this replica's identity in the Lease (default: <hostname>_<pid>)
  --lease-duration-seconds N   a lease not renewed for this long may be taken (default: 15)
  --renew-deadline-seconds N   the leader stops acting if it cannot renew this long (default: 10)
  --retry-period-seconds N     interval of acquire/renew attempts (default: 2)
  --http-host HOST             address of the HTTP endpoints (default: 0.0.0.0)
  --metrics-port PORT          /metrics (default: 8080; 0: any free port)
  --health-port PORT           /healthz and /readyz (default: 8081; may equal --metrics-port)
  --log-level LEVEL            debug, info, warn or error (default: info)
  --watch-timeout-seconds N    timeoutSeconds of each watch before it is renewed (default: 300)
  --workers N                  reconcile workers (default: 2)
  --resync-seconds N           reconcile every cluster at least this often (default: 300)
  --topic-resync-seconds N     look at every topic's brokers at least this often, to find
                               changes made with Kafka tools (default: 60)
  --broker-address-map MAP     host:port=host:port[,...]: dial the right-hand address instead of
                               an advertised broker or bootstrap address (tests on loopback)
  --version                    print the version
  --help                       this text
)";
}

absl::StatusOr<std::map<std::string, std::string>> ParseAddressMap(const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(entry, '=');
    if (parts.size() != 2 || !IsHostPort(parts[0]) || !IsHostPort(parts[1])) {
      return absl::InvalidArgumentError(absl::StrCat("--broker-address-map: '", std::string(entry),
                                                     "' is not host:port=host:port"));
    }
    out[parts[0]] = parts[1];
  }
  return out;
}

std::string MapAddress(const std::map<std::string, std::string>& map, const std::string& address) {
  auto it = map.find(address);
  return it == map.end() ? address : it->second;
}

absl::StatusOr<OperatorFlags> ParseOperatorFlags(int argc, char** argv) {
  OperatorFlags f;
  using Setter = std::function<absl::Status(const std::string&)>;
  auto str = [](std::string* out) -> Setter {
    return [out](const std::string& v) {
      *out = v;
      return absl::OkStatus();
    };
  };
  auto num = [](const char* name, int min, int max, int* out) -> Setter {
    return [=](const std::string& v) { return ParseIntFlag(name, v, min, max, out); };
  };
  const std::map<std::string, Setter> setters = {
      {"kubeconfig", str(&f.kubeconfig)},
      {"context", str(&f.context)},
      {"namespace", str(&f.namespace_)},
      {"leader-election",
       [&f](const std::string& v) { return ParseOnOff("leader-election", v, &f.leader_election); }},
      {"lease-name", str(&f.lease_name)},
      {"lease-namespace", str(&f.lease_namespace)},
      {"identity", str(&f.identity)},
      {"lease-duration-seconds", num("lease-duration-seconds", 2, 3600, &f.lease_duration_seconds)},
      {"renew-deadline-seconds", num("renew-deadline-seconds", 1, 3600, &f.renew_deadline_seconds)},
      {"retry-period-seconds", num("retry-period-seconds", 1, 600, &f.retry_period_seconds)},
      {"http-host", str(&f.http_host)},
      {"metrics-port", num("metrics-port", 0, 65535, &f.metrics_port)},
      {"health-port", num("health-port", 0, 65535, &f.health_port)},
      {"log-level", str(&f.log_level)},
      {"watch-timeout-seconds", num("watch-timeout-seconds", 1, 3600, &f.watch_timeout_seconds)},
      {"workers", num("workers", 1, 64, &f.workers)},
      {"resync-seconds", num("resync-seconds", 1, 86400, &f.resync_seconds)},
      {"topic-resync-seconds", num("topic-resync-seconds", 1, 86400, &f.topic_resync_seconds)},
      {"broker-address-map",
       [&f](const std::string& v) -> absl::Status {
         SLUICE_ASSIGN_OR_RETURN(f.broker_address_map, ParseAddressMap(v));
         return absl::OkStatus();
       }},
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return absl::CancelledError(Usage());
    // SLUICE_VERSION: the project version, defined for this file in CMakeLists.txt.
    if (arg == "--version") {
      return absl::CancelledError(absl::StrCat("sluice-operator ", SLUICE_VERSION, "\n"));
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = setters.find(name);
    if (it == setters.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (i + 1 >= argc)
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      value = argv[++i];
    }
    SLUICE_RETURN_IF_ERROR(it->second(value));
  }
  if (f.renew_deadline_seconds >= f.lease_duration_seconds) {
    return absl::InvalidArgumentError(
        "--renew-deadline-seconds must be below --lease-duration-seconds");
  }
  if (f.retry_period_seconds >= f.renew_deadline_seconds) {
    return absl::InvalidArgumentError(
        "--retry-period-seconds must be below --renew-deadline-seconds");
  }
  return f;
}

}  // namespace sluice::operator_main
