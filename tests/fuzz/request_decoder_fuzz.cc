// libFuzzer target for the generated request decoders.
//
// Input: int16 api key, int16 api version (big-endian), then a request body. The body is
// decoded with the generated request type for that key (any generated key and version;
// other inputs are uninteresting but harmless). When decoding succeeds, the message is
// re-encoded and decoded again, and must compare equal; encoding that copy again must give
// the same bytes. The whole input is also decoded as a request frame header.
//
// Built only with -DSLUICE_FUZZ=ON (clang); see scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/dispatch.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"

namespace sluice::kafka {
namespace {

[[noreturn]] void Fail(const char* what, int16_t api_key, int16_t version) {
  std::fprintf(stderr, "request_decoder_fuzz: %s (api key %d, version %d)\n", what, api_key,
               version);
  std::abort();
}

template <typename Request>
void CheckRequest(int16_t api_key, int16_t version, std::string_view body) {
  Reader reader(body);
  Request first;
  if (!first.Decode(reader, version).ok()) return;

  Writer w1;
  first.Encode(w1, version);
  const std::string encoded = w1.Take();
  Reader reader2(encoded);
  Request second;
  if (!second.Decode(reader2, version).ok())
    Fail("re-encoded message does not decode", api_key, version);
  if (!(second == first)) Fail("decode(encode(m)) != m", api_key, version);
  Writer w2;
  second.Encode(w2, version);
  if (w2.view() != encoded) Fail("encoding is not stable", api_key, version);
}

}  // namespace
}  // namespace sluice::kafka

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice::kafka;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    Reader frame(input);
    RequestHeader header;
    (void)DecodeRequestHeader(frame, header);
  }
  if (size < 4) return 0;
  const auto api_key = static_cast<int16_t>((data[0] << 8) | data[1]);
  const auto version = static_cast<int16_t>((data[2] << 8) | data[3]);
  VisitApi(api_key, [&](auto api) {
    CheckRequest<typename decltype(api)::Request>(api_key, version, input.substr(4));
  });
  return 0;
}
