// File: common/kafka/protocol/frame.h
// Kafka framing on top of the generated codecs. On the wire every request and response
// is a frame: a big-endian int32 length (of what follows), a header, then the body.
//
//   request frame:  length | RequestHeader v1/v2  | XRequest body
//   response frame: length | ResponseHeader v0/v1 | XResponse body
//
// The header versions depend on whether the API is flexible at the request's version
// (RequestHeaderVersion / ResponseHeaderVersion in messages/api_keys.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/messages/headers.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace sluice::kafka {

// Size of the length prefix of every frame.
inline constexpr size_t kFrameLengthSize = 4;

// Decodes the request header at the start of `reader`, which must cover one request frame
// without its length prefix. The header version is chosen from the api key and version
// in the first four bytes. For an api key Sluice has no codec for, a version 1 header is
// read so that the caller can still see the key, version and correlation id. On success
// `reader` is positioned at the request body.
absl::Status DecodeRequestHeader(Reader& reader, RequestHeader& header);

// Appends a whole response frame (length prefix, ResponseHeader carrying
// `correlation_id`, then `response` encoded at `version`) to `out`.
// REQUIRES: Response::kMinVersion <= version <= Response::kMaxVersion.
template <typename Response>
void EncodeResponseFrame(int32_t correlation_id, int16_t version, const Response& response,
                         Writer& out) {
  const size_t length_pos = out.ReserveInt32();
  ResponseHeader header;
  header.correlation_id = correlation_id;
  header.Encode(out, ResponseHeaderVersion(Response::kApiKey, version));
  response.Encode(out, version);
  out.PatchInt32(length_pos, static_cast<int32_t>(out.size() - length_pos - kFrameLengthSize));
}

// Appends a whole request frame (length prefix, `header`, then `request` encoded at
// header.request_api_version) to `out`. For clients and tests.
// REQUIRES: header.request_api_key == Request::kApiKey and the version is supported.
template <typename Request>
void EncodeRequestFrame(const RequestHeader& header, const Request& request, Writer& out) {
  const int16_t version = header.request_api_version;
  const size_t length_pos = out.ReserveInt32();
  header.Encode(out, RequestHeaderVersion(Request::kApiKey, version));
  request.Encode(out, version);
  out.PatchInt32(length_pos, static_cast<int32_t>(out.size() - length_pos - kFrameLengthSize));
}

}  // namespace sluice::kafka
