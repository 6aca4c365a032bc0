#include "common/kafka/records/record.h"

#include <string>
#include <vector>

#include "common/kafka/records/varint.h"
#include "gtest/gtest.h"
#include "tests/common/kafka/records/test_batches.h"

namespace sluice::kafka {
namespace {

using testing::Reseal;
using testing::WithRecordsSection;

std::string FromBytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

// A one-record uncompressed batch whose records section is replaced by the test.
std::string Shell(int32_t record_count) {
  RecordBatchBuilder b;
  b.Add(1000, "k", "v");
  std::string batch = *b.Build();
  testing::Poke<int32_t>(&batch, 57, record_count);
  Reseal(&batch);
  return batch;
}

absl::StatusOr<std::vector<Record>> Decode(const std::string& batch, size_t max = 1 << 20) {
  auto header = ParseBatchHeader(batch);
  if (!header.ok()) return header.status();
  return DecodeRecords(*header, batch, max);
}

// One record body (without its length prefix) from raw parts.
std::string Body(int32_t offset_delta, const std::string& rest) {
  std::string s(1, '\0');  // attributes
  AppendVarlong(0, &s);
  AppendVarint(offset_delta, &s);
  return s + rest;
}

std::string Framed(const std::string& body) {
  std::string s;
  AppendVarint(static_cast<int32_t>(body.size()), &s);
  return s + body;
}

TEST(RecordTest, EncodesTheDocumentedExample) {
  Record r;
  r.offset_delta = 1;
  r.key = "k";
  std::string out;
  AppendRecord(r, &out);
  EXPECT_EQ(out, FromBytes({0x0e, 0x00, 0x00, 0x02, 0x02, 0x6b, 0x01, 0x00}));
}

TEST(RecordTest, DecodesHandWrittenRecordsWithNullsAndHeaders) {
  // Record 0: key null, value "v", header ("h", null). Record 1: key "", value null.
  const std::string r0 =
      Framed(FromBytes({0x00, 0x04, 0x00, 0x01, 0x02, 'v', 0x02, 0x02, 'h', 0x01}));
  const std::string r1 = Framed(FromBytes({0x00, 0x03, 0x02, 0x00, 0x01, 0x00}));
  auto records = Decode(WithRecordsSection(Shell(2), r0 + r1));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 2u);
  const Record& a = (*records)[0];
  EXPECT_EQ(a.offset_delta, 0);
  EXPECT_EQ(a.timestamp_delta, 2);
  EXPECT_EQ(a.key, std::nullopt);
  EXPECT_EQ(a.value, "v");
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].key, "h");
  EXPECT_EQ(a.headers[0].value, std::nullopt);
  const Record& b = (*records)[1];
  EXPECT_EQ(b.offset_delta, 1);
  EXPECT_EQ(b.timestamp_delta, -2);
  EXPECT_EQ(b.key, "");
  EXPECT_EQ(b.value, std::nullopt);
  EXPECT_TRUE(b.headers.empty());
}

struct BadRecordCase {
  const char* name;
  int32_t record_count;
  std::string records_section;
};

class BadRecordsTest : public ::testing::TestWithParam<BadRecordCase> {};

TEST_P(BadRecordsTest, IsInvalidArgument) {
  auto records =
      Decode(WithRecordsSection(Shell(GetParam().record_count), GetParam().records_section));
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument) << records.status();
}

const std::string kGood = Framed(Body(0, FromBytes({0x02, 'k', 0x02, 'v', 0x00})));

INSTANTIATE_TEST_SUITE_P(
    Cases, BadRecordsTest,
    ::testing::Values(
        BadRecordCase{"EmptySectionWithOneRecordDeclared", 1, ""},
        BadRecordCase{"FewerRecordsThanCount", 2, kGood},
        BadRecordCase{"MoreRecordsThanCount", 1, kGood + Framed(Body(1, FromBytes({1, 1, 0})))},
        BadRecordCase{"TrailingBytes", 1, kGood + "x"}, BadRecordCase{"NegativeCount", -1, kGood},
        BadRecordCase{"NegativeLength", 1, FromBytes({0x03}) + kGood.substr(1)},
        BadRecordCase{"LengthPastEnd", 1, FromBytes({0x7e}) + kGood.substr(1)},
        BadRecordCase{"LengthLongerThanFields", 1,
                      Framed(Body(0, FromBytes({0x02, 'k', 0x02, 'v', 0x00, 0x00})))},
        BadRecordCase{"LengthShorterThanFields", 1,
                      FromBytes({0x0c}) + Body(0, FromBytes({0x02, 'k', 0x02, 'v', 0x00}))},
        BadRecordCase{"TruncatedLengthVarint", 1, FromBytes({0x80})},
        BadRecordCase{"OverlongLengthVarint", 1, FromBytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x00})},
        BadRecordCase{"MissingAttributes", 1, FromBytes({0x00})},
        BadRecordCase{"OffsetDeltaNotZero", 1, Framed(Body(1, FromBytes({1, 1, 0})))},
        BadRecordCase{
            "OffsetDeltasOutOfOrder", 2,
            Framed(Body(1, FromBytes({1, 1, 0}))) + Framed(Body(0, FromBytes({1, 1, 0})))},
        BadRecordCase{
            "OffsetDeltaRepeated", 2,
            Framed(Body(0, FromBytes({1, 1, 0}))) + Framed(Body(0, FromBytes({1, 1, 0})))},
        BadRecordCase{"KeyLengthBelowMinusOne", 1, Framed(Body(0, FromBytes({0x03, 1, 0})))},
        BadRecordCase{"KeyPastRecordEnd", 1, Framed(Body(0, FromBytes({0x0a, 'k', 1, 0})))},
        BadRecordCase{"ValueLengthBelowMinusOne", 1, Framed(Body(0, FromBytes({1, 0x05, 0})))},
        BadRecordCase{"ValuePastRecordEnd", 1, Framed(Body(0, FromBytes({1, 0x08, 'v', 0})))},
        BadRecordCase{"NegativeHeaderCount", 1, Framed(Body(0, FromBytes({1, 1, 0x01})))},
        BadRecordCase{"HugeHeaderCount", 1,
                      Framed(Body(0, FromBytes({1, 1, 0xfe, 0xff, 0xff, 0xff, 0x0f})))},
        BadRecordCase{"NullHeaderKey", 1, Framed(Body(0, FromBytes({1, 1, 0x02, 0x01, 0x01})))},
        BadRecordCase{"HeaderValuePastEnd", 1,
                      Framed(Body(0, FromBytes({1, 1, 0x02, 0x02, 'h', 0x10})))},
        BadRecordCase{"MissingHeaderCount", 1, Framed(Body(0, FromBytes({1, 1})))}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RecordTest, DecodeChecksTheBatchSizeAgainstTheHeader) {
  const std::string batch = Shell(1);
  auto header = ParseBatchHeader(batch);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(DecodeRecords(*header, batch + "x", 1 << 20).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodeRecords(*header, batch.substr(0, batch.size() - 1), 1 << 20).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The messages name the record and the field; the server passes them to clients, so their
// wording is kept as it is.
TEST(RecordTest, ErrorsNameTheRecordAndTheField) {
  auto message = [](const std::string& section) {
    return std::string(Decode(WithRecordsSection(Shell(1), section)).status().message());
  };
  EXPECT_EQ(message(FromBytes({0x80})), "record 0: bad length");
  EXPECT_EQ(message(FromBytes({0x7e}) + kGood.substr(1)), "record 0: length 63 with 8 bytes left");
  EXPECT_EQ(message(Framed(Body(0, FromBytes({0x80})))), "record 0: bad key length");
  EXPECT_EQ(message(Framed(Body(0, FromBytes({0x0a, 'k', 1, 0})))),
            "record 0: key length 5 with 3 bytes left in the record");
  EXPECT_EQ(message(Framed(Body(0, FromBytes({1, 1, 0x01})))), "record 0: header count -1");
  EXPECT_EQ(message(kGood + "x"), "1 bytes follow the last of 1 records");
}

TEST(RecordTest, ForEachRecordStopsAtTheVisitorsError) {
  const std::string batch = testing::TypicalBatch(Compression::kNone, 10);
  auto header = ParseBatchHeader(batch);
  ASSERT_TRUE(header.ok());
  int visited = 0;
  absl::Status s = ForEachRecord(*header, batch, 1 << 20, [&](const RecordView& r) {
    ++visited;
    return r.offset_delta == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_TRUE(absl::IsCancelled(s));
  EXPECT_EQ(visited, 4);
}

TEST(RecordTest, CompressedRecordsBeyondTheBoundAreResourceExhausted) {
  RecordBatchBuilder b;
  b.set_compression(Compression::kZstd);
  for (int i = 0; i < 100; ++i) b.Add(0, std::nullopt, std::string(10'000, 'z'));
  auto batch = b.Build();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(Decode(*batch, 500'000).status().code(), absl::StatusCode::kResourceExhausted);
  auto records = Decode(*batch, 2'000'000);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), 100u);
}

TEST(RecordTest, IncreasingOffsetDeltasAreAcceptedOnlyWhenAsked) {
  // Two records at deltas 1 and 3 of a batch whose lastOffsetDelta is 3 (compacted).
  const std::string section =
      Framed(Body(1, FromBytes({1, 1, 0}))) + Framed(Body(3, FromBytes({1, 1, 0})));
  std::string batch = WithRecordsSection(Shell(2), section);
  testing::Poke<int32_t>(&batch, 23, 3);
  Reseal(&batch);
  auto header = ParseBatchHeader(batch);
  ASSERT_TRUE(header.ok());
  std::vector<int32_t> deltas;
  std::vector<size_t> raw_sizes;
  auto visit = [&](const RecordView& r) {
    deltas.push_back(r.offset_delta);
    raw_sizes.push_back(r.raw.size());
    return absl::OkStatus();
  };
  EXPECT_FALSE(ForEachRecord(*header, batch, 1 << 20, visit).ok());
  deltas.clear();
  raw_sizes.clear();
  ASSERT_TRUE(ForEachRecord(*header, batch, 1 << 20, visit, OffsetDeltas::kIncreasing).ok());
  EXPECT_EQ(deltas, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(raw_sizes, (std::vector<size_t>{Framed(Body(1, FromBytes({1, 1, 0}))).size(),
                                            Framed(Body(3, FromBytes({1, 1, 0}))).size()}));
  // Beyond lastOffsetDelta, or not increasing: refused even so.
  testing::Poke<int32_t>(&batch, 23, 2);
  Reseal(&batch);
  header = ParseBatchHeader(batch);
  EXPECT_FALSE(ForEachRecord(*header, batch, 1 << 20, visit, OffsetDeltas::kIncreasing).ok());
  std::string repeated = WithRecordsSection(
      Shell(2), Framed(Body(1, FromBytes({1, 1, 0}))) + Framed(Body(1, FromBytes({1, 1, 0}))));
  testing::Poke<int32_t>(&repeated, 23, 3);
  Reseal(&repeated);
  header = ParseBatchHeader(repeated);
  EXPECT_FALSE(ForEachRecord(*header, repeated, 1 << 20, visit, OffsetDeltas::kIncreasing).ok());
}

}  // namespace
}  // namespace sluice::kafka
