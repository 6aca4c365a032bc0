// Zero-copy records (records.h, Writer::AppendSlice): a FetchResponse whose records are
// file slices encodes, once the slices are materialised, to exactly the bytes of the same
// response with the records copied in, at every Fetch version.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/kafka/protocol/messages/fetch.h"
#include "common/kafka/protocol/writer.h"
#include "tests/common/kafka/protocol/materialize.h"

namespace sluice::kafka {
namespace {

// A temporary file holding `content`, unlinked at once (the descriptor keeps it).
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string name = ::testing::TempDir() + "zero_copy_XXXXXX";
    fd_ = ::mkstemp(name.data());
    ::unlink(name.c_str());
    EXPECT_EQ(::pwrite(fd_, content.data(), content.size(), 0),
              static_cast<ssize_t>(content.size()));
  }
  ~TempFile() { ::close(fd_); }
  FileSlice Slice(int64_t offset, int64_t length) const { return {nullptr, fd_, offset, length}; }

 private:
  int fd_ = -1;
};

std::string Pattern(size_t n, int seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>((i * 31 + static_cast<size_t>(seed)) % 251);
  return s;
}

// Partition i gets records [offsets[i], offsets[i] + lengths[i]) of the file, split into
// `pieces` slices; an empty partition keeps null records.
FetchResponse MakeResponse(const TempFile* file, const std::string& content, int pieces) {
  FetchResponse r;
  r.throttle_time_ms = 3;
  auto& topic = r.responses.emplace_back();
  topic.topic = "zero-copy";
  const int64_t offsets[] = {0, 100, 5000, 0};
  const int64_t lengths[] = {100, 4900, 3000, 0};
  for (int i = 0; i < 4; ++i) {
    auto& p = topic.partitions.emplace_back();
    p.partition_index = i;
    p.high_watermark = 1000 + i;
    p.last_stable_offset = 1000 + i;
    p.aborted_transactions.emplace();
    if (lengths[i] == 0) continue;
    if (file == nullptr) {
      p.records = content.substr(static_cast<size_t>(offsets[i]), static_cast<size_t>(lengths[i]));
      continue;
    }
    std::vector<FileSlice> slices;
    const int64_t step = lengths[i] / pieces;
    for (int k = 0; k < pieces; ++k) {
      const int64_t begin = offsets[i] + k * step;
      const int64_t end = k + 1 == pieces ? offsets[i] + lengths[i] : begin + step;
      slices.push_back(file->Slice(begin, end - begin));
    }
    p.records = Records::FromSlices(std::move(slices));
  }
  return r;
}

TEST(ZeroCopyRecordsTest, SlicedFetchResponseMaterialisesToTheCopyingEncoding) {
  const std::string content = Pattern(8000, 5);
  TempFile file(content);
  for (int16_t version = FetchResponse::kMinVersion; version <= FetchResponse::kMaxVersion;
       ++version) {
    for (int pieces : {1, 3}) {
      SCOPED_TRACE(::testing::Message() << "version " << version << " pieces " << pieces);
      Writer copying;
      MakeResponse(nullptr, content, pieces).Encode(copying, version);
      EXPECT_FALSE(copying.has_slices());
      const std::string expected = copying.Take();

      Writer sliced;
      MakeResponse(&file, content, pieces).Encode(sliced, version);
      std::vector<BodySlice> slices = sliced.TakeSlices();
      const std::string bytes = sliced.Take();
      EXPECT_EQ(slices.size(), static_cast<size_t>(3 * pieces));
      EXPECT_LT(bytes.size(), 200u);  // the records were not copied
      EXPECT_EQ(testing::Materialize(bytes, slices), expected);

      // And it decodes to the copied records.
      Reader reader(expected);
      FetchResponse decoded;
      ASSERT_TRUE(decoded.Decode(reader, version).ok());
      EXPECT_EQ(decoded, MakeResponse(nullptr, content, pieces));
    }
  }
}

TEST(ZeroCopyRecordsTest, RecordsCountsBytesAndSlices) {
  Records owned(std::string("abc"));
  EXPECT_EQ(owned.size(), 3u);
  Records sliced = Records::FromSlices({{nullptr, 5, 0, 10}, {nullptr, 5, 20, 7}});
  EXPECT_EQ(sliced.size(), 17u);
  EXPECT_FALSE(sliced.empty());
  EXPECT_TRUE(Records().empty());
  Writer w;
  w.WriteCompactNullableBytes(std::optional<Records>(sliced));
  EXPECT_EQ(w.view(), std::string(1, static_cast<char>(18)));  // varint 17 + 1
  std::vector<BodySlice> slices = w.TakeSlices();
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(slices[0].position, 1u);
  EXPECT_EQ(slices[1].position, 1u);
}

}  // namespace
}  // namespace sluice::kafka
