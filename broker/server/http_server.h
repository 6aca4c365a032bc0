// File: broker/server/http_server.h
// The broker's operations endpoints: GET /metrics (Prometheus text format), /healthz (200
// while the process serves) and /readyz (200 once the broker is ready to serve Kafka clients,
// 503 before and while shutting down). The server itself is common/ops_http_server.h, shared
// with sluice-operator; this adds only the broker's HostPort form of Start().
#pragma once

#include "absl/status/status.h"
#include "broker/server/broker_config.h"
#include "common/ops_http_server.h"

namespace sluice::server {

class HttpServer : public OpsHttpServer {
 public:
  using OpsHttpServer::OpsHttpServer;
  using OpsHttpServer::Start;

  // Listens on `address` (an empty host means every interface).
  absl::Status Start(const HostPort& address);
};

}  // namespace sluice::server
