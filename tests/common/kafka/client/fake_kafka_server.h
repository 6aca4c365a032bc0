// File: tests/common/kafka/client/fake_kafka_server.h
// A scripted Kafka "broker" on 127.0.0.1 for client tests: a thread per connection reads
// request frames and answers with whatever the test's handler says, including wrong,
// short, hostile or no bytes at all. Of our own making: it does not pretend to be a
// broker beyond the canned defaults below.
//
// Defaults (when the handler returns nullopt):
//   ApiVersions  every generated API at Sluice's full range (advertised(), editable)
//   Metadata     one broker, node 0, advertised as advertised_address() (127.0.0.1:port
//                unless set), controller 0, cluster id "fake-cluster", no topics
//   anything else: the connection is closed
//
// Thread-safe: the handler runs on connection threads, one request at a time per server
// (calls are serialised), so it may touch test state without locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/kafka/client/host_port.h"
#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/api_versions.h"
#include "common/kafka/protocol/messages/headers.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"
#include "gtest/gtest.h"

namespace sluice::kafka::client::testing {

struct ReceivedRequest {
  RequestHeader header;
  std::string body;    // the request body after the header
  int connection = 0;  // 1 for the first connection accepted, 2 for the next, ...

  int16_t api_key() const { return header.request_api_key; }
  int16_t version() const { return header.request_api_version; }
  // Decodes the body as `Request` at the request's version; fails the test on error.
  template <typename Request>
  Request As() const;
};

// What the server does with one request.
struct Reply {
  enum class Kind { kSend, kClose, kSilent };
  Kind kind = Kind::kSend;
  std::string bytes;  // written as is for kSend (usually a whole frame), then the
                      // connection is closed if close_after

  bool close_after = false;
  static Reply Send(std::string bytes) { return Reply{Kind::kSend, std::move(bytes)}; }
  static Reply SendThenClose(std::string bytes) {
    return Reply{Kind::kSend, std::move(bytes), true};
  }
  static Reply Close() { return Reply{Kind::kClose, {}}; }
  // Never answers (the client's request timeout fires).
  static Reply Silent() { return Reply{Kind::kSilent, {}}; }
};

// A whole response frame for `request`'s correlation id and version.
template <typename Response>
std::string ResponseFrame(const ReceivedRequest& request, const Response& response) {
  Writer w;
  EncodeResponseFrame(request.header.correlation_id, request.version(), response, w);
  return w.Take();
}

// A frame made of a length prefix (the true length unless `length` is given) and `payload`.
std::string RawFrame(const std::string& payload, std::optional<int32_t> length = std::nullopt);

// The ApiVersions answer listing every generated API at its full range.
ApiVersionsResponse AllGeneratedApis();

class FakeKafkaServer {
 public:
  using Handler = std::function<std::optional<Reply>(const ReceivedRequest&)>;

  explicit FakeKafkaServer(Handler handler = nullptr);
  ~FakeKafkaServer();
  FakeKafkaServer(const FakeKafkaServer&) = delete;
  FakeKafkaServer& operator=(const FakeKafkaServer&) = delete;

  uint16_t port() const { return port_; }
  HostPort address() const { return HostPort{"127.0.0.1", port_}; }

  // Edit before the client connects (not synchronised with connection threads).
  ApiVersionsResponse& advertised() { return advertised_; }
  void set_advertised_address(HostPort address) { advertised_address_ = std::move(address); }
  void set_node_id(int32_t node_id, int32_t controller_id) {
    node_id_ = node_id;
    controller_id_ = controller_id;
  }

  // Every request received so far, in order.
  std::vector<ReceivedRequest> requests() const;
  // Requests with `api_key` only.
  std::vector<ReceivedRequest> requests(int16_t api_key) const;
  int connections() const { return connections_.load(); }

 private:
  void AcceptLoop();
  void Serve(int fd, int connection);
  std::optional<Reply> Default(const ReceivedRequest& request);

  Handler handler_;
  ApiVersionsResponse advertised_ = AllGeneratedApis();
  std::optional<HostPort> advertised_address_;
  int32_t node_id_ = 0;
  int32_t controller_id_ = 0;

  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd, readable once stopping
  uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::vector<ReceivedRequest> requests_;        // guarded by mu_
  std::vector<std::thread> connection_threads_;  // guarded by mu_
  std::mutex handler_mu_;                        // serialises handler calls
};

template <typename Request>
Request ReceivedRequest::As() const {
  Reader reader(body);
  Request request;
  absl::Status s = request.Decode(reader, version());
  if (!s.ok()) {
    ADD_FAILURE() << "request does not decode: " << s;
  }
  return request;
}

}  // namespace sluice::kafka::client::testing
