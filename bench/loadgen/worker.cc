#include "bench/loadgen/worker.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>

namespace sluice::bench {

void ErrorLog::Add(const std::string& message) {
  std::lock_guard lock(mu_);
  if (messages_.size() < 10 &&
      std::find(messages_.begin(), messages_.end(), message) == messages_.end()) {
    messages_.push_back(message);
  }
}

std::vector<std::string> ErrorLog::Messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

absl::Status SetProps(rd_kafka_conf_t* conf,
                      const std::vector<std::pair<std::string, std::string>>& props) {
  char err[512];
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(key + "=" + value + ": " + err);
    }
  }
  return absl::OkStatus();
}

}  // namespace sluice::bench
