// File: broker/server/server_probe.h
// The network layer's Prometheus metrics. Families and their per-API children are made
// once at construction, so the request path only increments existing series.
// Thread-safe (prometheus-cpp metrics are atomic).
#pragma once

#include <array>
#include <cstdint>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace sluice::server {

class ServerProbe {
 public:
  // `registry` must outlive the probe.
  explicit ServerProbe(prometheus::Registry& registry);

  void RequestDone(int16_t api_key, double seconds);
  void BytesReceived(size_t n) { received_bytes_->Increment(static_cast<double>(n)); }
  void BytesSent(size_t n) { sent_bytes_->Increment(static_cast<double>(n)); }
  void ConnectionOpened();
  void ConnectionClosed() { connections_->Decrement(); }
  void ProtocolError() { protocol_errors_->Increment(); }
  // Fetch requests parked until records arrive (FetchWaiters keeps it current).
  prometheus::Gauge& fetches_waiting() { return *fetches_waiting_; }

 private:
  static constexpr size_t kMaxApiKey = 128;
  std::array<prometheus::Counter*, kMaxApiKey> requests_{};
  std::array<prometheus::Histogram*, kMaxApiKey> latency_{};
  prometheus::Counter* received_bytes_;
  prometheus::Counter* sent_bytes_;
  prometheus::Counter* accepted_;
  prometheus::Counter* protocol_errors_;
  prometheus::Gauge* connections_;
  prometheus::Gauge* fetches_waiting_;
};

}  // namespace sluice::server
