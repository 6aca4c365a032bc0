// sluice-operator: reconciles Sluice custom resources. See operator/README.md.
//
// Threads: main (signals, leader election, periodic resync), one per informer, the reconcile
// workers, and one running the HTTP endpoints. SIGTERM/SIGINT: stop the controllers (a
// reconcile in flight finishes), release the Lease, stop serving, exit 0. Exit 1 if the
// Lease is lost (the pod restarts and campaigns again), 2 on bad flags or config.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "common/log.h"
#include "common/ops_http_server.h"
#include "common/process_metrics.h"
#include "operator/controllers.h"
#include "operator/k8s/http_kube_client.h"
#include "operator/k8s/kubeconfig.h"
#include "operator/operator_flags.h"
#include "operator/runtime/leader_election.h"
#include "operator/runtime/metrics.h"

namespace sluice::operator_main {
namespace {

std::atomic<bool> g_stop{false};

// Blocks SIGTERM/SIGINT in every thread and waits for them on a dedicated one.
void StartSignalThread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread t([set] {
    int signal = 0;
    sigwait(&set, &signal);
    SLUICE_LOG(kInfo) << "signal " << signal << ": shutting down";
    g_stop.store(true);
  });
  t.detach();
}

std::string DefaultIdentity() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + "_" + std::to_string(getpid());
}

// Runs the controllers until g_stop or until `lost` becomes true. Returns after Stop().
void RunControllers(Controllers& controllers, const OperatorFlags& flags, OpsHttpServer& health,
                    const std::atomic<bool>& lost) {
  controllers.Start();
  auto next_resync = std::chrono::steady_clock::now() + std::chrono::seconds(flags.resync_seconds);
  while (!g_stop.load() && !lost.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    health.SetReady(controllers.Synced());
    controllers.UpdateMetrics();
    if (std::chrono::steady_clock::now() >= next_resync) {
      controllers.Resync();
      next_resync = std::chrono::steady_clock::now() + std::chrono::seconds(flags.resync_seconds);
    }
  }
  controllers.Stop();
}

int Run(const OperatorFlags& flags) {
  auto config = flags.kubeconfig.empty() ? k8s::LoadInClusterConfig()
                                         : k8s::LoadKubeconfig(flags.kubeconfig, flags.context);
  if (!config.ok()) {
    std::cerr << "sluice-operator: " << config.status().message() << "\n";
    return 2;
  }
  auto client = k8s::HttpKubeClient::Create(*config);
  if (!client.ok()) {
    std::cerr << "sluice-operator: " << client.status().message() << "\n";
    return 2;
  }
  auto registry = std::make_shared<prometheus::Registry>();
  operator_runtime::OperatorMetrics metrics(registry);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  OpsHttpServer metrics_server(io, registry);
  OpsHttpServer health_server(io, registry);
  metrics_server.AddCollectable(std::make_shared<ProcessCollector>());
  bool one_server = flags.metrics_port == flags.health_port && flags.metrics_port != 0;
  if (auto s = metrics_server.Start(flags.http_host, flags.metrics_port); !s.ok()) {
    std::cerr << "sluice-operator: " << s.message() << "\n";
    return 2;
  }
  OpsHttpServer& health = one_server ? metrics_server : health_server;
  if (!one_server) {
    if (auto s = health_server.Start(flags.http_host, flags.health_port); !s.ok()) {
      std::cerr << "sluice-operator: " << s.message() << "\n";
      return 2;
    }
  }
  std::thread io_thread([&io] { io.run(); });
  SLUICE_LOG(kInfo) << "sluice-operator: API server " << config->server << ", namespace "
                    << (flags.namespace_.empty() ? "(all)" : flags.namespace_)
                    << ", metrics :" << metrics_server.port() << ", health :" << health.port();

  k8s::EventRecorder events(client->get(), "sluice-operator");
  int exit_code = 0;
  std::atomic<bool> lost{false};
  if (!flags.leader_election) {
    Controllers controllers(flags, client->get(), &events, &metrics);
    RunControllers(controllers, flags, health, lost);
  } else {
    operator_runtime::LeaderElectionOptions options;
    options.name = flags.lease_name;
    options.namespace_ = !flags.lease_namespace.empty() ? flags.lease_namespace
                         : !flags.namespace_.empty()    ? flags.namespace_
                         : !config->namespace_.empty()  ? config->namespace_
                                                        : "default";
    options.identity = flags.identity.empty() ? DefaultIdentity() : flags.identity;
    options.lease_duration = std::chrono::seconds(flags.lease_duration_seconds);
    options.renew_deadline = std::chrono::seconds(flags.renew_deadline_seconds);
    options.retry_period = std::chrono::seconds(flags.retry_period_seconds);
    operator_runtime::LeaderElector elector(client->get(), options);
    health.SetReady(true);  // a standby is healthy and ready; it only does not act
    if (elector.Acquire(g_stop)) {
      metrics.Leader().Set(1);
      Controllers controllers(flags, client->get(), &events, &metrics);
      std::thread renewer([&] {
        if (!elector.KeepRenewing(g_stop)) lost.store(true);
      });
      RunControllers(controllers, flags, health, lost);
      renewer.join();
      metrics.Leader().Set(0);
      if (lost.load()) {
        exit_code = 1;
      } else {
        elector.Release();
      }
    }
  }
  metrics_server.Stop();
  health_server.Stop();
  work.reset();
  io.stop();
  io_thread.join();
  SLUICE_LOG(kInfo) << "sluice-operator: exiting with " << exit_code;
  return exit_code;
}

}  // namespace
}  // namespace sluice::operator_main

int main(int argc, char** argv) {
  using namespace sluice::operator_main;
  auto flags = ParseOperatorFlags(argc, argv);
  if (!flags.ok()) {
    if (absl::IsCancelled(flags.status())) {
      std::cout << flags.status().message();
      return 0;
    }
    std::cerr << "sluice-operator: " << flags.status().message() << "\n";
    return 2;
  }
  sluice::LogLevel level;
  if (!sluice::ParseLogLevel(flags->log_level, &level)) {
    std::cerr << "sluice-operator: --log-level must be debug, info, warn or error\n";
    return 2;
  }
  sluice::SetLogLevel(level);
  StartSignalThread();
  return Run(*flags);
}
