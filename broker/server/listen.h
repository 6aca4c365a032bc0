// File: broker/server/listen.h
// Opening a listening TCP socket, shared by the Kafka and HTTP listeners.
#pragma once

#include "absl/status/status.h"
#include "broker/server/broker_config.h"
#include "common/asio.h"

namespace sluice::server {

// Resolves `address` (an empty host means every interface), then opens, binds and
// listens on `acceptor`. Errors name the address and the reason (e.g. address in use).
// `what` names the listener in messages ("Kafka", "HTTP").
absl::Status Listen(boost::asio::ip::tcp::acceptor& acceptor, const HostPort& address,
                    const char* what);

}  // namespace sluice::server
