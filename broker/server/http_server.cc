#include "broker/server/http_server.h"

namespace sluice::server {

absl::Status HttpServer::Start(const HostPort& address) {
  return OpsHttpServer::Start(address.host, address.port);
}

}  // namespace sluice::server
