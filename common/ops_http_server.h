// File: common/ops_http_server.h
// A small HTTP/1.1 server for operations, shared by sluice-broker and sluice-operator:
// GET /metrics (Prometheus text format of the registry and any added collectables),
// /healthz (200 while the process serves) and /readyz (200 while SetReady(true), else 503).
// One request per connection; other paths get 404, other methods 405.
// Moved here from broker/server/http_server.* so both programs serve the same endpoints.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/asio.h"
#include "prometheus/collectable.h"
#include "prometheus/registry.h"

namespace sluice {

class OpsHttpServer {
 public:
  // `io` must outlive the server; the server runs on whatever threads run `io`.
  OpsHttpServer(boost::asio::io_context& io, std::shared_ptr<prometheus::Registry> registry);

  // Adds metrics gathered at scrape time. REQUIRES: called before Start().
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
    collectables_.push_back(std::move(collectable));
  }

  // Listens on host:port (empty host: every interface; port 0: any free port).
  absl::Status Start(const std::string& host, uint16_t port);
  uint16_t port() const { return port_; }
  // Stops accepting; requests in flight finish. Also clears readiness.
  void Stop();
  void SetReady(bool ready) { ready_.store(ready); }

 private:
  void Accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_{io_};
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::atomic<bool> ready_{false};
  uint16_t port_ = 0;
};

}  // namespace sluice
