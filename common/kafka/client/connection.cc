#include "common/kafka/client/connection.h"

#include <algorithm>
#include <utility>

#include "common/byte_order.h"
#include "common/kafka/client/kafka_error.h"
#include "common/kafka/protocol/messages/api_versions.h"
#include "common/kafka/protocol/messages/headers.h"

namespace sluice::kafka::client {
namespace {

// Smallest response frame: a v0 response header (the correlation id).
constexpr size_t kMinResponseLength = 4;

std::string ApiName(int16_t api_key) {
  const ApiSpec* spec = FindApi(api_key);
  return spec != nullptr ? std::string(spec->name) : absl::StrCat("api key ", api_key);
}

}  // namespace

int32_t BrokerTimeoutMs(const ConnectionOptions& options) {
  const int64_t ms = absl::ToInt64Milliseconds(options.request_timeout * 3 / 4);
  return ms > INT32_MAX ? INT32_MAX : static_cast<int32_t>(ms < 0 ? 0 : ms);
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const HostPort& address,
                                                             const ConnectionOptions& options) {
  absl::StatusOr<TcpSocket> socket =
      TcpSocket::Connect(address, absl::Now() + options.connect_timeout);
  if (!socket.ok()) return socket.status();
  std::unique_ptr<Connection> conn(new Connection(address, options, *std::move(socket)));
  if (absl::Status s = conn->NegotiateApiVersions(); !s.ok()) return s;
  return conn;
}

std::string Connection::Describe(int16_t api_key, int16_t version) const {
  return absl::StrCat(ApiName(api_key), " v", version, " to ", address_.ToString());
}

absl::Status Connection::Fail(const absl::Status& status) {
  socket_.Close();
  return status;
}

absl::Status Connection::NegotiateApiVersions() {
  ApiVersionsRequest request;
  request.client_software_name = options_.client_software_name;
  request.client_software_version = options_.client_software_version;
  int16_t version = ApiVersionsRequest::kMaxVersion;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // The error answer to an unsupported ApiVersions version is a v0 body whose
    // error_code (first two bytes in every version) is UNSUPPORTED_VERSION, so the body
    // is read raw here and decoded at the right version below.
    absl::StatusOr<std::string> body = Send(request, version);
    if (!body.ok()) return body.status();
    Reader peek(*body);
    const int16_t error_code = peek.ReadInt16("ApiVersionsResponse.error_code");
    const int16_t decode_version = error_code == kErrorUnsupportedVersion ? 0 : version;
    Reader reader(*body);
    ApiVersionsResponse response;
    if (absl::Status s = response.Decode(reader, decode_version); !s.ok()) {
      return Fail(absl::InternalError(
          absl::StrCat("malformed ", Describe(ApiVersionsRequest::kApiKey, decode_version),
                       " response: ", s.message())));
    }
    if (response.error_code == kErrorUnsupportedVersion && attempt == 0) {
      // Retry at the broker's maximum, if it lists one below ours.
      auto it =
          std::find_if(response.api_keys.begin(), response.api_keys.end(),
                       [](const auto& api) { return api.api_key == ApiVersionsRequest::kApiKey; });
      if (it != response.api_keys.end() && it->max_version < version &&
          it->max_version >= ApiVersionsRequest::kMinVersion) {
        version = it->max_version;
        continue;
      }
    }
    if (response.error_code != kErrorNone) {
      return Fail(KafkaErrorStatus(response.error_code, std::nullopt,
                                   Describe(ApiVersionsRequest::kApiKey, version)));
    }
    broker_versions_.clear();
    for (const auto& api : response.api_keys) {
      broker_versions_[api.api_key] = VersionRange{api.min_version, api.max_version};
    }
    return absl::OkStatus();
  }
  return Fail(absl::InternalError(
      absl::StrCat("ApiVersions to ", address_.ToString(), ": no version accepted")));
}

absl::StatusOr<int16_t> Connection::NegotiatedVersion(int16_t api_key) const {
  const ApiSpec* ours = FindApi(api_key);
  if (ours == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("api key ", api_key, " has no codec"));
  }
  const std::string context = absl::StrCat(ours->name, " to ", address_.ToString());
  auto it = broker_versions_.find(api_key);
  if (it == broker_versions_.end()) {
    return KafkaErrorStatus(
        kErrorUnsupportedVersion,
        absl::StrCat("the broker does not advertise ", ours->name, " (api key ", api_key, ")"),
        context);
  }
  const int16_t lo = std::max(ours->min_version, it->second.min);
  const int16_t hi = std::min(ours->max_version, it->second.max);
  if (hi < lo) {
    return KafkaErrorStatus(
        kErrorUnsupportedVersion,
        absl::StrCat("no version in common: the broker supports ", it->second.min, "-",
                     it->second.max, ", this client ", ours->min_version, "-", ours->max_version),
        context);
  }
  return hi;
}

absl::StatusOr<std::string> Connection::Exchange(int16_t api_key, int16_t version,
                                                 int32_t correlation_id, std::string_view frame) {
  const std::string what = Describe(api_key, version);
  const absl::Time deadline = absl::Now() + options_.request_timeout;
  if (absl::Status s = socket_.SendAll(frame, deadline); !s.ok()) {
    return Fail(absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
  }
  std::string buffer;
  if (absl::Status s = socket_.ReceiveExactly(kFrameLengthSize, buffer, deadline); !s.ok()) {
    return Fail(absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
  }
  const int32_t length = LoadBigEndian<int32_t>(buffer.data());
  if (length < static_cast<int32_t>(kMinResponseLength) ||
      static_cast<size_t>(length) > options_.max_response_bytes) {
    return Fail(absl::InternalError(absl::StrCat(what, ": response frame length ", length,
                                                 " is outside 4..", options_.max_response_bytes)));
  }
  if (absl::Status s = socket_.ReceiveExactly(static_cast<size_t>(length), buffer, deadline);
      !s.ok()) {
    return Fail(absl::Status(s.code(), absl::StrCat(what, ": ", s.message())));
  }
  Reader reader(buffer);
  ResponseHeader header;
  if (absl::Status s = header.Decode(reader, ResponseHeaderVersion(api_key, version)); !s.ok()) {
    return Fail(
        absl::InternalError(absl::StrCat(what, ": malformed response header: ", s.message())));
  }
  if (header.correlation_id != correlation_id) {
    return Fail(absl::InternalError(absl::StrCat(
        what, ": response correlation id ", header.correlation_id, ", expected ", correlation_id)));
  }
  return buffer.substr(reader.position());
}

}  // namespace sluice::kafka::client
