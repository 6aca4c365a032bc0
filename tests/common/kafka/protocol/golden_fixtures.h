// Helpers for the golden-frame tests: request frames captured from real clients, stored in
// tests/fixtures/protocol/<client>/<api>_v<version>[_<variant>].bin without their 4-byte
// length prefix (see that directory's README for how each was captured).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/all.h"

namespace sluice::kafka::golden {

inline std::string FixturePath(std::string_view name) {
  return std::string(SLUICE_PROTOCOL_FIXTURES_DIR) + "/" + std::string(name);
}

// The bytes of fixture `name` (relative to the fixtures directory). Records a test failure
// naming the path, and returns an empty string, if the file is missing or empty.
inline std::string ReadFixture(std::string_view name) {
  const std::string path = FixturePath(name);
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) {
    ADD_FAILURE() << "missing fixture " << path << " (tests/tools/capture_golden.sh makes it)";
    return {};
  }
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.empty()) ADD_FAILURE() << "empty fixture " << path;
  return bytes;
}

template <typename Request>
struct DecodedFrame {
  // The fixture's bytes: a ProduceRequest's records are views into them (spec.py
  // VIEW_RECORDS_MESSAGES), so they live on the heap and move with the result.
  std::shared_ptr<const std::string> frame;
  RequestHeader header;
  Request request;
};

// Decodes fixture `name` as one `Request` frame: the header, then the body at the header's
// version, with no byte left over. Records a test failure and returns nullopt otherwise,
// including when the header's api key is not Request's.
template <typename Request>
std::optional<DecodedFrame<Request>> DecodeFixture(std::string_view name) {
  DecodedFrame<Request> out;
  out.frame = std::make_shared<const std::string>(ReadFixture(name));
  if (out.frame->empty()) return std::nullopt;
  Reader reader(*out.frame);
  if (absl::Status s = DecodeRequestHeader(reader, out.header); !s.ok()) {
    ADD_FAILURE() << name << ": header: " << s;
    return std::nullopt;
  }
  if (out.header.request_api_key != Request::kApiKey) {
    ADD_FAILURE() << name << ": api key " << out.header.request_api_key << ", want "
                  << Request::kApiKey;
    return std::nullopt;
  }
  if (absl::Status s = out.request.Decode(reader, out.header.request_api_version); !s.ok()) {
    ADD_FAILURE() << name << ": body: " << s;
    return std::nullopt;
  }
  if (reader.remaining() != 0) {
    ADD_FAILURE() << name << ": " << reader.remaining() << " bytes left over";
    return std::nullopt;
  }
  return out;
}

}  // namespace sluice::kafka::golden
