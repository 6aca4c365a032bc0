#include "operator/runtime/leader_election.h"

#include <sys/time.h>

#include <ctime>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "operator/k8s/api_status.h"

namespace sluice::operator_runtime {
namespace {

using Clock = std::chrono::steady_clock;

std::string HolderOf(const nlohmann::json& spec) {
  return spec.is_object() && spec.contains("holderIdentity") && spec["holderIdentity"].is_string()
             ? spec["holderIdentity"].get<std::string>()
             : "";
}

// Sleeps `d`, waking early on stop; returns !stop.
bool SleepFor(Clock::duration d, const std::atomic<bool>& stop) {
  auto until = Clock::now() + d;
  while (!stop.load() && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !stop.load();
}

}  // namespace

std::string NowMicroTime() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  time_t seconds = tv.tv_sec;
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char micros[16];
  std::snprintf(micros, sizeof(micros), ".%06ldZ", static_cast<long>(tv.tv_usec));
  return std::string(buffer) + micros;
}

LeaderElector::LeaderElector(k8s::KubeClient* client, LeaderElectionOptions options)
    : client_(client), options_(std::move(options)) {}

nlohmann::json LeaderElector::NewSpec(const nlohmann::json& old_spec, bool transition) const {
  std::string now = NowMicroTime();
  nlohmann::json spec = old_spec.is_object() ? old_spec : nlohmann::json::object();
  int transitions = spec.contains("leaseTransitions") && spec["leaseTransitions"].is_number()
                        ? spec["leaseTransitions"].get<int>()
                        : 0;
  spec["holderIdentity"] = options_.identity;
  spec["leaseDurationSeconds"] = options_.lease_duration.count();
  spec["renewTime"] = now;
  if (transition) {
    spec["acquireTime"] = now;
    spec["leaseTransitions"] = transitions + (HolderOf(old_spec).empty() ? 0 : 1);
  }
  return spec;
}

absl::Status LeaderElector::TryAcquireOrRenew() {
  auto lease = client_->Get(k8s::Leases(), options_.namespace_, options_.name);
  if (absl::IsNotFound(lease.status())) {
    nlohmann::json object = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", options_.name}, {"namespace", options_.namespace_}}},
        {"spec", NewSpec(nlohmann::json::object(), /*transition=*/true)}};
    auto created = client_->Create(k8s::Leases(), options_.namespace_, object);
    if (!created.ok()) {
      leader_.store(false);
      return created.status();
    }
    last_lease_ = *created;
    leader_.store(true);
    return absl::OkStatus();
  }
  if (!lease.ok()) return lease.status();  // leader_ unchanged: KeepRenewing judges the deadline

  nlohmann::json spec = lease->contains("spec") ? (*lease)["spec"] : nlohmann::json::object();
  std::string holder = HolderOf(spec);
  if (spec != observed_spec_) {
    observed_spec_ = spec;
    observed_at_ = Clock::now();
  }
  bool ours = holder == options_.identity;
  if (!ours && !holder.empty() && Clock::now() < observed_at_ + options_.lease_duration) {
    leader_.store(false);
    return absl::FailedPreconditionError(absl::StrCat("lease held by ", holder));
  }
  nlohmann::json updated = *lease;
  updated["spec"] = NewSpec(spec, /*transition=*/!ours);
  auto written = client_->Replace(k8s::Leases(), options_.namespace_, updated);
  if (!written.ok()) {
    if (k8s::IsConflict(written.status())) leader_.store(false);
    return written.status();
  }
  if (!ours) {
    SLUICE_LOG(kInfo) << "leader election: " << options_.identity << " acquired lease "
                      << options_.namespace_ << "/" << options_.name
                      << (holder.empty() ? "" : " from " + holder);
  }
  last_lease_ = *written;
  observed_spec_ = (*written)["spec"];
  observed_at_ = Clock::now();
  leader_.store(true);
  return absl::OkStatus();
}

bool LeaderElector::Acquire(const std::atomic<bool>& stop) {
  SLUICE_LOG(kInfo) << "leader election: " << options_.identity << " waiting for lease "
                    << options_.namespace_ << "/" << options_.name;
  while (!stop.load()) {
    absl::Status s = TryAcquireOrRenew();
    if (s.ok()) return true;
    if (!absl::IsFailedPrecondition(s)) {
      SLUICE_LOG(kWarn) << "leader election: " << s;
    }
    if (!SleepFor(options_.retry_period, stop)) break;
  }
  return false;
}

bool LeaderElector::KeepRenewing(const std::atomic<bool>& stop) {
  auto last_renewal = Clock::now();
  while (SleepFor(options_.retry_period, stop)) {
    absl::Status s = TryAcquireOrRenew();
    if (s.ok()) {
      last_renewal = Clock::now();
      continue;
    }
    SLUICE_LOG(kWarn) << "leader election: renewal failed: " << s;
    if (!leader_.load() || Clock::now() - last_renewal >= options_.renew_deadline) {
      leader_.store(false);
      SLUICE_LOG(kError) << "leader election: " << options_.identity << " lost the lease";
      return false;
    }
  }
  return true;
}

void LeaderElector::Release() {
  if (!leader_.exchange(false) || !last_lease_.is_object()) return;
  nlohmann::json released = last_lease_;
  released["spec"]["holderIdentity"] = "";
  released["spec"]["leaseDurationSeconds"] = 1;
  released["spec"]["renewTime"] = NowMicroTime();
  auto written = client_->Replace(k8s::Leases(), options_.namespace_, released);
  if (written.ok()) {
    SLUICE_LOG(kInfo) << "leader election: released lease " << options_.name;
  } else {
    SLUICE_LOG(kWarn) << "leader election: release failed: " << written.status();
  }
}

}  // namespace sluice::operator_runtime
