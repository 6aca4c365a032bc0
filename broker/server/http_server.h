// File: broker/server/http_server.h
// A small HTTP/1.1 server for operations: GET /metrics (Prometheus text format),
// /healthz (200 while the process serves) and /readyz (200 once the broker is ready
// to serve Kafka clients, 503 before and while shutting down). One request per
// connection; anything else gets 404 or 405.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "broker/server/asio.h"
#include "broker/server/broker_config.h"
#include "prometheus/registry.h"

namespace sluice::server {

class HttpServer {
 public:
  // `io` and `registry` must outlive the server.
  HttpServer(boost::asio::io_context& io, std::shared_ptr<prometheus::Registry> registry);

  // Adds metrics gathered at scrape time. REQUIRES: called before Start().
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
    collectables_.push_back(std::move(collectable));
  }

  absl::Status Start(const HostPort& address);
  uint16_t port() const { return port_; }
  void Stop();
  void SetReady(bool ready) { ready_.store(ready); }

 private:
  void Accept();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::atomic<bool> ready_{false};
  uint16_t port_ = 0;
};

}  // namespace sluice::server
