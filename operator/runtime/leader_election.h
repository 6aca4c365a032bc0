// File: operator/runtime/leader_election.h
// Leader election on a coordination.k8s.io/v1 Lease, the client-go way, so that of several
// operator replicas only one reconciles.
//
// * Acquire: the Lease is created if missing; else taken when it is released (empty holder)
//   or when its record has not changed for lease_duration as measured on OUR clock (we never
//   compare our clock with the holder's timestamps). Writes use the Lease's resourceVersion,
//   so two candidates cannot both win (the loser gets 409 Conflict).
// * Renew every retry_period; a leader that has not renewed for renew_deadline has lost the
//   lease (another replica may take it after lease_duration) and must stop acting at once.
// * Release on clean shutdown: holder cleared, so a standby takes over without waiting.
//
// Example (defaults 15 s / 10 s / 2 s): A holds the lease and is SIGKILLed at t=0. B sees the
// same record at every 2 s poll; at t≈15-17 s the record has not changed for 15 s and B takes
// the lease (leaseTransitions + 1).
//
// Thread-safety: one thread drives Acquire/Renew/Release; IsLeader is safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "operator/k8s/client.h"

namespace sluice::operator_runtime {

struct LeaderElectionOptions {
  std::string namespace_;
  std::string name = "sluice-operator";
  std::string identity;  // unique per replica: pod name or host_pid
  std::chrono::seconds lease_duration{15};
  std::chrono::seconds renew_deadline{10};
  std::chrono::seconds retry_period{2};
};

class LeaderElector {
 public:
  // `client` must outlive the elector.
  LeaderElector(k8s::KubeClient* client, LeaderElectionOptions options);

  // Tries until leader (true) or `stop` (false).
  bool Acquire(const std::atomic<bool>& stop);
  // Renews until `stop` (returns true; the caller then calls Release) or until renewals fail
  // for renew_deadline (returns false: leadership lost, stop acting now).
  bool KeepRenewing(const std::atomic<bool>& stop);
  // Clears the holder if we hold the lease. Best effort.
  void Release();

  // One attempt: OK if we hold the lease afterwards; FailedPrecondition if another replica
  // holds a live lease; other errors from the API server.
  absl::Status TryAcquireOrRenew();
  bool IsLeader() const { return leader_.load(); }
  const LeaderElectionOptions& options() const { return options_; }

 private:
  nlohmann::json NewSpec(const nlohmann::json& old_spec, bool transition) const;

  k8s::KubeClient* client_;
  const LeaderElectionOptions options_;
  std::atomic<bool> leader_{false};
  nlohmann::json observed_spec_;  // the holder's record as last seen
  std::chrono::steady_clock::time_point observed_at_;
  nlohmann::json last_lease_;  // the Lease object after our last successful write
};

// RFC 3339 with microseconds, as metav1.MicroTime: "2026-11-26T07:30:00.123456Z".
std::string NowMicroTime();

}  // namespace sluice::operator_runtime
