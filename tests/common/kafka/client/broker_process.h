// File: tests/common/kafka/client/broker_process.h
// Runs a real sluice-broker process for client integration tests: free 127.0.0.1
// ports, a fresh temporary data dir, output in <dir>/broker.{stdout,stderr}.log.
// Stopped with SIGTERM (SIGKILL after 20 s) and its directory removed on destruction.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace sluice::kafka::client::testing {

class BrokerProcess {
 public:
  // Starts `binary` listening on 127.0.0.1:<free port> and announcing `advertised`
  // ("host:port") in Metadata.
  static absl::StatusOr<std::unique_ptr<BrokerProcess>> Start(const std::string& binary,
                                                              const std::string& advertised);
  ~BrokerProcess();

  uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  bool alive();
  // The last lines of the broker's stderr, for failure messages.
  std::string StderrTail() const;

 private:
  BrokerProcess() = default;

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

// SLUICE_BROKER_BIN if set, else the build's broker (SLUICE_DEFAULT_BROKER_BIN).
std::string BrokerBinary();

}  // namespace sluice::kafka::client::testing
