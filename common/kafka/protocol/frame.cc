#include "common/kafka/protocol/frame.h"

#include "absl/strings/str_cat.h"

namespace sluice::kafka {

absl::Status DecodeRequestHeader(Reader& reader, RequestHeader& header) {
  Reader peek = reader;
  const int16_t api_key = peek.ReadInt16("RequestHeader.request_api_key");
  const int16_t api_version = peek.ReadInt16("RequestHeader.request_api_version");
  if (!peek.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request header: ", peek.status().message()));
  }
  int16_t header_version = RequestHeaderVersion(api_key, api_version);
  if (header_version < 0) header_version = 1;
  return header.Decode(reader, header_version);
}

}  // namespace sluice::kafka
