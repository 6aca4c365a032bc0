// File: common/kafka/client/connection.h
// One blocking Kafka protocol connection to one broker: framing, correlation ids and
// version negotiation on top of the generated codec (common/kafka/protocol).
//
//   ConnectionOptions options;  // client id, timeouts, response size cap
//   SLUICE_ASSIGN_OR_RETURN(auto conn, Connection::Open({"127.0.0.1", 9092}, options));
//   MetadataRequest request;    // filled as for any version
//   SLUICE_ASSIGN_OR_RETURN(MetadataResponse response, conn->Call<MetadataResponse>(request));
//
// Open() connects and sends ApiVersions (highest version this codec has; if the broker
// answers UNSUPPORTED_VERSION it retries once at the broker's advertised maximum, as
// Kafka clients do). Call<Response>() then uses, for each API, the highest version that
// both the broker advertises and the generated codec supports.
//
// Errors (absl::Status codes):
//   kUnavailable       cannot resolve/connect, connection refused, reset or closed by the peer
//   kDeadlineExceeded  connect_timeout or request_timeout passed
//   kInternal          malformed response: bad length, short or undecodable header or body,
//                      trailing bytes, correlation id mismatch
//   kUnimplemented     the broker does not advertise the API, or no version in common
//                      (carries Kafka code UNSUPPORTED_VERSION, see kafka_error.h)
//   kFailedPrecondition  the connection broke on an earlier call
// Every transport or malformed-response error closes the connection: a byte stream
// whose framing is in doubt is never reused. Make a new Connection instead.
// Hostile input never crashes or allocates more than max_response_bytes.
//
// Not thread-safe: one caller at a time (AdminClient serialises its calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/kafka/client/host_port.h"
#include "common/kafka/client/tcp_socket.h"
#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace sluice::kafka::client {

struct ConnectionOptions {
  // Sent in every request header.
  std::string client_id = "sluice-admin";
  // Sent in ApiVersions v3+ (KIP-511). Kafka brokers refuse names outside
  // [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])? with INVALID_REQUEST.
  std::string client_software_name = "sluice-admin";
  std::string client_software_version = "0.1.0";
  absl::Duration connect_timeout = absl::Seconds(10);
  // Bounds one whole request: sending it and receiving the complete response.
  absl::Duration request_timeout = absl::Seconds(30);
  // A response frame claiming more bytes than this is malformed (kInternal).
  size_t max_response_bytes = 64 << 20;
};

// The timeout_ms to put in requests that make the broker wait (CreateTopics, ...):
// three quarters of request_timeout, so that the broker's answer, even a
// REQUEST_TIMED_OUT, arrives before the client gives up.
int32_t BrokerTimeoutMs(const ConnectionOptions& options);

// A version range a broker advertises for one API, inclusive.
struct VersionRange {
  int16_t min = 0;
  int16_t max = -1;
};

class Connection {
 public:
  // Connects to `address` and negotiates versions with ApiVersions.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const HostPort& address,
                                                          const ConnectionOptions& options);

  const HostPort& address() const { return address_; }
  // What the broker advertised in ApiVersions, by api key.
  const std::map<int16_t, VersionRange>& broker_versions() const { return broker_versions_; }

  // The highest version of `api_key` that both the broker and the codec support.
  // kUnimplemented (Kafka code 35) if there is none.
  absl::StatusOr<int16_t> NegotiatedVersion(int16_t api_key) const;

  // Sends `request` at the negotiated version and returns the decoded response.
  template <typename Response, typename Request>
  absl::StatusOr<Response> Call(const Request& request);
  // Same at an explicit version, which need not be the negotiated one (for tests);
  // kInvalidArgument, with nothing sent, if the codec lacks it.
  template <typename Response, typename Request>
  absl::StatusOr<Response> CallAtVersion(const Request& request, int16_t version);

  // True after a transport or framing error: every later call fails.
  bool broken() const { return !socket_.is_open(); }

 private:
  Connection(HostPort address, ConnectionOptions options, TcpSocket socket)
      : address_(std::move(address)), options_(std::move(options)), socket_(std::move(socket)) {}

  absl::Status NegotiateApiVersions();
  // Sends `frame` (a whole request frame carrying `correlation_id`) and returns the
  // response body after checking the response header. Closes the socket on any error.
  absl::StatusOr<std::string> Exchange(int16_t api_key, int16_t version, int32_t correlation_id,
                                       std::string_view frame);
  // Frames `request` at `version` with the next correlation id and exchanges it; returns
  // the raw response body (see Exchange).
  template <typename Request>
  absl::StatusOr<std::string> Send(const Request& request, int16_t version);
  // Closes the socket (the stream can no longer be trusted) and returns `status`.
  absl::Status Fail(const absl::Status& status);
  std::string Describe(int16_t api_key, int16_t version) const;

  HostPort address_;
  ConnectionOptions options_;
  TcpSocket socket_;
  int32_t next_correlation_id_ = 1;
  std::map<int16_t, VersionRange> broker_versions_;
};

template <typename Response, typename Request>
absl::StatusOr<Response> Connection::Call(const Request& request) {
  absl::StatusOr<int16_t> version = NegotiatedVersion(Request::kApiKey);
  if (!version.ok()) return version.status();
  return CallAtVersion<Response>(request, *version);
}

template <typename Response, typename Request>
absl::StatusOr<Response> Connection::CallAtVersion(const Request& request, int16_t version) {
  static_assert(Request::kApiKey == Response::kApiKey, "request and response of different APIs");
  if (version < Request::kMinVersion || version > Request::kMaxVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat(Describe(Request::kApiKey, version), ": the codec supports versions ",
                     Request::kMinVersion, "-", Request::kMaxVersion));
  }
  if (broken()) {
    return absl::FailedPreconditionError(
        absl::StrCat("connection to ", address_.ToString(), " is closed after an earlier error"));
  }
  absl::StatusOr<std::string> body = Send(request, version);
  if (!body.ok()) return body.status();
  Reader reader(*body);
  Response response;
  if (absl::Status s = response.Decode(reader, version); !s.ok()) {
    return Fail(absl::InternalError(absl::StrCat("malformed ", Describe(Request::kApiKey, version),
                                                 " response: ", s.message())));
  }
  return response;
}

template <typename Request>
absl::StatusOr<std::string> Connection::Send(const Request& request, int16_t version) {
  const int32_t correlation_id = next_correlation_id_++;
  if (next_correlation_id_ == INT32_MAX) next_correlation_id_ = 1;
  RequestHeader header;
  header.request_api_key = Request::kApiKey;
  header.request_api_version = version;
  header.correlation_id = correlation_id;
  header.client_id = options_.client_id;
  Writer writer;
  EncodeRequestFrame(header, request, writer);
  return Exchange(Request::kApiKey, version, correlation_id, writer.view());
}

}  // namespace sluice::kafka::client
