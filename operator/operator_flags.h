// File: operator/operator_flags.h
// Command-line flags of sluice-operator (see Usage()).
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace sluice::operator_main {

struct OperatorFlags {
  std::string kubeconfig;  // empty: in-cluster service account
  std::string context;     // kubeconfig context; empty: current-context
  std::string namespace_;  // watched namespace; empty: all
  bool leader_election = true;
  std::string lease_name = "sluice-operator";
  std::string lease_namespace;  // empty: --namespace, else the pod's namespace, else "default"
  std::string identity;         // empty: <hostname>_<pid>
  int lease_duration_seconds = 15;
  int renew_deadline_seconds = 10;
  int retry_period_seconds = 2;
  std::string http_host = "0.0.0.0";
  int metrics_port = 8080;
  int health_port = 8081;
  std::string log_level = "info";
  int watch_timeout_seconds = 300;
  int workers = 2;
  int resync_seconds = 300;
  int topic_resync_seconds = 60;  // periodic re-reconcile of each SluiceTopic (drift detection)
  // --broker-address-map: advertised broker/bootstrap "host:port" -> "host:port" to dial
  // instead. For tests, where brokers are local processes on loopback and pod addresses do not
  // resolve. Used by the Kafka admin connections of the topic reconciler
  // (operator/reconcilers/topic).
  std::map<std::string, std::string> broker_address_map;
};

// Parses argv. --help gives Cancelled with the usage text as message, --version Cancelled
// with "sluice-operator <version>\n"; a bad flag InvalidArgument. Flags take "--name value" or "--name=value".
absl::StatusOr<OperatorFlags> ParseOperatorFlags(int argc, char** argv);
std::string Usage();

// "a.svc:9092=127.0.0.1:19092,b.svc:9092=127.0.0.1:19093" -> map; InvalidArgument if an entry
// is not "host:port=host:port".
absl::StatusOr<std::map<std::string, std::string>> ParseAddressMap(const std::string& text);
// The address to dial for `address`: its mapping, else itself.
std::string MapAddress(const std::map<std::string, std::string>& map, const std::string& address);

}  // namespace sluice::operator_main
