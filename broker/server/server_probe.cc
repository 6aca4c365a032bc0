#include "broker/server/server_probe.h"

#include "common/kafka/protocol/messages/api_keys.h"

namespace sluice::server {

ServerProbe::ServerProbe(prometheus::Registry& registry) {
  auto& requests = prometheus::BuildCounter()
                       .Name("sluice_server_requests_total")
                       .Help("Kafka requests answered, by API")
                       .Register(registry);
  auto& latency = prometheus::BuildHistogram()
                      .Name("sluice_server_request_duration_seconds")
                      .Help("Time from a request's arrival to its response, by API")
                      .Register(registry);
  const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  for (const auto& api : kafka::GeneratedApis()) {
    auto key = static_cast<size_t>(api.key);
    if (key >= kMaxApiKey) continue;
    requests_[key] = &requests.Add({{"api", api.name}});
    latency_[key] = &latency.Add({{"api", api.name}}, buckets);
  }
  received_bytes_ = &prometheus::BuildCounter()
                         .Name("sluice_server_received_bytes_total")
                         .Help("Bytes of Kafka requests received")
                         .Register(registry)
                         .Add({});
  sent_bytes_ = &prometheus::BuildCounter()
                     .Name("sluice_server_sent_bytes_total")
                     .Help("Bytes of Kafka responses sent")
                     .Register(registry)
                     .Add({});
  accepted_ = &prometheus::BuildCounter()
                   .Name("sluice_server_connections_accepted_total")
                   .Help("Client connections accepted")
                   .Register(registry)
                   .Add({});
  protocol_errors_ = &prometheus::BuildCounter()
                          .Name("sluice_server_protocol_errors_total")
                          .Help("Connections closed for malformed or unsupported requests")
                          .Register(registry)
                          .Add({});
  connections_ = &prometheus::BuildGauge()
                      .Name("sluice_server_connections")
                      .Help("Open client connections")
                      .Register(registry)
                      .Add({});
  fetches_waiting_ = &prometheus::BuildGauge()
                          .Name("sluice_server_fetches_waiting")
                          .Help("Fetch requests waiting for records to arrive (long poll)")
                          .Register(registry)
                          .Add({});
}

void ServerProbe::RequestDone(int16_t api_key, double seconds) {
  auto key = static_cast<size_t>(api_key);
  if (key >= kMaxApiKey || requests_[key] == nullptr) return;
  requests_[key]->Increment();
  latency_[key]->Observe(seconds);
}

void ServerProbe::ConnectionOpened() {
  accepted_->Increment();
  connections_->Increment();
}

}  // namespace sluice::server
