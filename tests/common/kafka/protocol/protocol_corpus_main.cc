// protocol_corpus: writes encoded messages for tools outside the C++ tests.
//
//   protocol_corpus messages DIR [SEEDS]
//     For every generated message type (headers included), every supported version and
//     seeds 1..SEEDS (default 3): FillForTest, encode, and write the body to
//     DIR/<KafkaJavaClass>.<version>.<seed>.bin, e.g. ProduceRequestData.9.1.bin. The
//     Java compatibility check (JavaCodecCheck.java) parses these with Kafka's own classes.
//   protocol_corpus fuzz-seeds DIR [FRAMES_DIR...]
//     Writes request_decoder_fuzz inputs (int16 api key, int16 version, body) for every
//     request type and version, plus one per captured request frame (.bin files, without
//     length prefix) found under each FRAMES_DIR.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "common/kafka/protocol/frame.h"
#include "common/kafka/protocol/messages/dispatch.h"
#include "common/kafka/protocol/messages/testing/fill_for_test.h"

namespace sluice::kafka {
namespace {

namespace fs = std::filesystem;

bool WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.good()) std::cerr << "cannot write " << path << "\n";
  return out.good();
}

template <typename T>
bool DumpMessages(const fs::path& dir, const std::string& java_class, uint32_t seeds) {
  for (int16_t v = T::kMinVersion; v <= T::kMaxVersion; ++v) {
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
      T m;
      FillForTest(m, v, seed);
      Writer w;
      m.Encode(w, v);
      const std::string name = java_class + "." + std::to_string(v) + "." + std::to_string(seed);
      if (!WriteFile(dir / (name + ".bin"), w.Take())) return false;
    }
  }
  return true;
}

int Messages(const fs::path& dir, uint32_t seeds) {
  bool ok = true;
  for (const ApiSpec& api : GeneratedApis()) {
    const std::string name = api.name;
    VisitApi(api.key, [&](auto types) {
      using Api = decltype(types);
      ok = ok && DumpMessages<typename Api::Request>(dir, name + "RequestData", seeds);
      ok = ok && DumpMessages<typename Api::Response>(dir, name + "ResponseData", seeds);
    });
  }
  ok = ok && DumpMessages<RequestHeader>(dir, "RequestHeaderData", seeds);
  ok = ok && DumpMessages<ResponseHeader>(dir, "ResponseHeaderData", seeds);
  return ok ? 0 : 1;
}

std::string FuzzInput(int16_t api_key, int16_t version, std::string_view body) {
  Writer w;
  w.WriteInt16(api_key);
  w.WriteInt16(version);
  w.WriteRaw(body);
  return w.Take();
}

int FuzzSeeds(const fs::path& dir, int argc, char** argv) {
  bool ok = true;
  for (const ApiSpec& api : GeneratedApis()) {
    VisitApi(api.key, [&](auto types) {
      using Request = typename decltype(types)::Request;
      for (int16_t v = Request::kMinVersion; v <= Request::kMaxVersion; ++v) {
        Request m;
        FillForTest(m, v, 1);
        Writer w;
        m.Encode(w, v);
        const std::string name = std::string(api.name) + "_v" + std::to_string(v);
        ok = ok && WriteFile(dir / (name + ".seed"), FuzzInput(api.key, v, w.view()));
      }
    });
  }
  for (int i = 0; i < argc; ++i) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(argv[i], ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() != ".bin" ||
          it->path().stem().string().find("response") != std::string::npos) {
        continue;
      }
      std::ifstream in(it->path(), std::ios::binary);
      const std::string frame((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      Reader r(frame);
      RequestHeader header;
      if (!DecodeRequestHeader(r, header).ok()) continue;
      const std::string name =
          it->path().parent_path().filename().string() + "_" + it->path().stem().string();
      ok = ok && WriteFile(dir / (name + ".seed"),
                           FuzzInput(header.request_api_key, header.request_api_version,
                                     r.ReadRaw(r.remaining())));
    }
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace sluice::kafka

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc >= 3 && std::string(argv[1]) == "messages") {
    const uint32_t seeds = argc >= 4 ? static_cast<uint32_t>(std::atoi(argv[3])) : 3;
    fs::create_directories(argv[2]);
    return sluice::kafka::Messages(argv[2], seeds);
  }
  if (argc >= 3 && std::string(argv[1]) == "fuzz-seeds") {
    fs::create_directories(argv[2]);
    return sluice::kafka::FuzzSeeds(argv[2], argc - 3, argv + 3);
  }
  std::cerr << "usage: protocol_corpus messages DIR [SEEDS] | fuzz-seeds DIR [FRAMES_DIR...]\n";
  return 2;
}
