// sluice-broker: a Kafka-compatible broker. Wiring only; see broker/server/broker.h.
#include <csignal>
#include <cstdio>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "broker/server/broker.h"
#include "broker/server/broker_config.h"
#include "common/asio.h"
#include "common/log.h"

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian's Abseil is built with deadlock detection on: every Mutex lock then records the
  // lock order in a global graph (about 2% of the broker's CPU with 50 producers, bench/'s
  // W6). Debug builds, which the sanitizer tests use, keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  auto config = sluice::server::ParseBrokerFlags(argc, argv);
  if (!config.ok()) {
    if (config.status().code() == absl::StatusCode::kCancelled) {
      std::fputs(std::string(config.status().message()).c_str(), stdout);
      return 0;
    }
    std::fprintf(stderr, "sluice-broker: %s\n(see sluice-broker --help)\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  sluice::LogLevel level;
  if (sluice::ParseLogLevel(config->log_level, &level)) sluice::SetLogLevel(level);
  std::signal(SIGPIPE, SIG_IGN);

  auto broker = sluice::server::Broker::Create(*config);
  if (!broker.ok()) {
    SLUICE_LOG(kError) << "cannot start: " << broker.status().message();
    return 1;
  }
  // Signals are waited for on a thread of their own, so shutdown never depends on a
  // busy io thread.
  boost::asio::io_context signal_io;
  boost::asio::signal_set signals(signal_io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (!ec) {
      SLUICE_LOG(kInfo) << "received signal " << signal;
      (*broker)->Shutdown();
    }
  });
  std::thread signal_thread([&] { signal_io.run(); });
  absl::Status status = (*broker)->Run();
  signal_io.stop();
  signal_thread.join();
  if (!status.ok()) {
    SLUICE_LOG(kError) << "shutdown: " << status.message();
    return 1;
  }
  SLUICE_LOG(kInfo) << "stopped cleanly";
  return 0;
}
