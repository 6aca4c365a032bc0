#pragma once

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "bench/loadgen/options.h"

namespace sluice::bench {

// Runs the whole load described by `options`: creates the topic if asked, starts the consumer
// and producer threads, samples them once a second until producing is over and the consumers
// have caught up (or the drain time runs out), and deletes the topic if asked.
//
// The result (see bench/README.md, "Loadgen JSON") holds the options, a summary measured after
// the warm-up, a per-second series and `problems`: anything that makes the figures suspect
// (delivery errors, records not consumed, no records at all). Errors are returned only when
// the load could not run at all (bad client settings, topic creation failed).
absl::StatusOr<nlohmann::json> RunLoad(const Options& options);

}  // namespace sluice::bench
