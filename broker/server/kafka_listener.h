// File: broker/server/kafka_listener.h
// Accepts Kafka client connections on one address and hands each to a Connection.
// Thread-safety: Start/Stop from the owning thread; accept callbacks run on the
// io_context's threads.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "absl/status/status.h"
#include "broker/server/broker_config.h"
#include "broker/server/connection.h"
#include "common/asio.h"

namespace sluice::server {

class KafkaListener {
 public:
  // `io`, `dispatcher` and `probe` must outlive the listener.
  KafkaListener(boost::asio::io_context& io, Dispatcher& dispatcher, ServerProbe* probe,
                ConnectionLimits limits);

  // Binds and listens; errors name the address (e.g. address already in use).
  absl::Status Start(const HostPort& address);
  // The port actually bound (useful with port 0).
  uint16_t port() const { return port_; }
  // Stops accepting and closes every open connection.
  void Stop();

 private:
  void Accept();

  boost::asio::io_context& io_;
  static constexpr std::chrono::milliseconds kAcceptRetry{100};

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  bool accept_failing_ = false;  // touched only by the one pending accept's handlers
  Dispatcher& dispatcher_;
  ServerProbe* probe_;
  ConnectionLimits limits_;
  uint16_t port_ = 0;
  uint64_t next_id_ = 1;
  std::mutex mu_;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> connections_;  // guarded by mu_
};

}  // namespace sluice::server
