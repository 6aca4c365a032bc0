// File: tests/broker/metadata/group_metadata_test.cc
// Consumer-group records and committed offsets in the metadata store: validation, atomic
// batches and cascades on both stores; persistence across reopen and corruption on RocksDB.
#include <memory>
#include <string>
#include <vector>

#include "broker/metadata/metadata_codec.h"
#include "broker/metadata/metadata_store.h"
#include "broker/metadata/rocksdb_metadata_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/broker/metadata/temp_dir.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::metadata {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

CreateTopic MakeTopic(const std::string& name, int32_t partitions) {
  CreateTopic change;
  change.topic.name = name;
  change.topic.topic_id = TopicId::Random();
  change.topic.partition_count = partitions;
  change.topic.replication_factor = 1;
  change.topic.created_ms = 1;
  change.partitions = SingleBrokerPartitions(0, partitions, 0);
  return change;
}

GroupRecord StableGroup(const std::string& id) {
  GroupRecord group;
  group.group_id = id;
  group.protocol_type = "consumer";
  group.generation = 7;
  group.protocol = "range";
  group.leader = "c1-aaaa";
  group.state_timestamp_ms = 1700000000123;
  GroupMemberRecord a;
  a.member_id = "c1-aaaa";
  a.client_id = "c1";
  a.client_host = "/127.0.0.1";
  a.rebalance_timeout_ms = 300000;
  a.session_timeout_ms = 45000;
  a.subscription = std::string("\x00\x01\x00\x00\x00\x01\x00\x01t\xff\xfe", 11);  // Not UTF-8.
  a.assignment = std::string("\x00\x00\x00", 3);
  GroupMemberRecord b = a;
  b.member_id = "inst-b-bbbb";
  b.group_instance_id = "inst-b";
  b.assignment = "";
  group.members = {a, b};
  return group;
}

CommittedOffset Offset(const std::string& topic, int32_t partition, int64_t offset,
                       std::string metadata = "") {
  CommittedOffset out;
  out.topic = topic;
  out.partition = partition;
  out.offset = offset;
  out.leader_epoch = 0;
  out.metadata = std::move(metadata);
  out.commit_timestamp_ms = 1700000000000 + offset;
  return out;
}

enum class Kind { kRocksDb, kInMemory };

class GroupMetadataTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<MetadataStore>> store =
        GetParam() == Kind::kRocksDb ? OpenRocksDbMetadataStore(dir_.path() + "/metadata")
                                     : fakes::NewInMemoryMetadataStore();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Apply({MakeTopic("orders", 3), MakeTopic("payments", 1)}).ok());
  }

  std::vector<CommittedOffset> Offsets(const std::string& group) {
    absl::StatusOr<std::vector<CommittedOffset>> offsets = store_->GetCommittedOffsets(group);
    EXPECT_TRUE(offsets.ok()) << offsets.status();
    return offsets.ok() ? *offsets : std::vector<CommittedOffset>{};
  }

  TempDir dir_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_P(GroupMetadataTest, GroupRecordRoundTripsWithOpaqueMemberBytes) {
  GroupRecord group = StableGroup("app");
  ASSERT_TRUE(store_->Apply({SetGroup{group}}).ok());
  absl::StatusOr<GroupRecord> read = store_->GetGroup("app");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, group);

  GroupRecord empty;
  empty.group_id = "app";
  empty.protocol_type = "consumer";
  empty.generation = 8;
  empty.state_timestamp_ms = 5;
  ASSERT_TRUE(store_->Apply({SetGroup{empty}}).ok());
  EXPECT_EQ(*store_->GetGroup("app"), empty);
  EXPECT_EQ(store_->GetGroup("other").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(GroupMetadataTest, CommittedOffsetsRoundTripAndLaterCommitsReplaceEarlierOnes) {
  CommittedOffset with_expiry = Offset("payments", 0, 3, "meta \xe2\x9c\x93");
  with_expiry.expire_timestamp_ms = 99;
  ASSERT_TRUE(store_
                  ->Apply({CommitOffsets{
                      "app", {Offset("orders", 2, 10), Offset("orders", 0, 5), with_expiry}}})
                  .ok());
  ASSERT_TRUE(store_->Apply({CommitOffsets{"app", {Offset("orders", 2, 11, "x")}}}).ok());
  EXPECT_THAT(Offsets("app"),
              ElementsAre(Offset("orders", 0, 5), Offset("orders", 2, 11, "x"), with_expiry));
  EXPECT_THAT(Offsets("nobody"), IsEmpty());
}

TEST_P(GroupMetadataTest, GroupIdsThatArePrefixesOrHoldNulStayApart) {
  const std::string nul_id("g\0x", 3);
  ASSERT_TRUE(store_
                  ->Apply({CommitOffsets{"g", {Offset("orders", 0, 1)}},
                           CommitOffsets{"g1", {Offset("orders", 0, 2)}},
                           CommitOffsets{nul_id, {Offset("orders", 0, 3)}},
                           CommitOffsets{"", {Offset("orders", 0, 4)}}})
                  .ok());
  EXPECT_THAT(Offsets("g"), ElementsAre(Offset("orders", 0, 1)));
  EXPECT_THAT(Offsets("g1"), ElementsAre(Offset("orders", 0, 2)));
  EXPECT_THAT(Offsets(nul_id), ElementsAre(Offset("orders", 0, 3)));
  EXPECT_THAT(Offsets(""), ElementsAre(Offset("orders", 0, 4)));

  ASSERT_TRUE(store_->Apply({DeleteGroup{"g"}}).ok());
  EXPECT_THAT(Offsets("g"), IsEmpty());
  EXPECT_THAT(Offsets("g1"), ElementsAre(Offset("orders", 0, 2)));
  EXPECT_THAT(Offsets(nul_id), ElementsAre(Offset("orders", 0, 3)));
}

TEST_P(GroupMetadataTest, LoadGroupsSeesRecordsAndOffsetOnlyGroups) {
  ASSERT_TRUE(store_
                  ->Apply({SetGroup{StableGroup("b")}, CommitOffsets{"a", {Offset("orders", 1, 9)}},
                           CommitOffsets{"b", {Offset("payments", 0, 1)}}})
                  .ok());
  absl::StatusOr<StoredGroups> stored = store_->LoadGroups();
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->groups.size(), 1u);
  EXPECT_EQ(stored->groups[0], StableGroup("b"));
  ASSERT_EQ(stored->offsets.size(), 2u);
  EXPECT_THAT(stored->offsets.at("a"), ElementsAre(Offset("orders", 1, 9)));
  EXPECT_THAT(stored->offsets.at("b"), ElementsAre(Offset("payments", 0, 1)));
}

TEST_P(GroupMetadataTest, DeleteGroupRemovesRecordAndOffsetsAndIsIdempotent) {
  ASSERT_TRUE(
      store_->Apply({SetGroup{StableGroup("app")}, CommitOffsets{"app", {Offset("orders", 0, 1)}}})
          .ok());
  ASSERT_TRUE(store_->Apply({DeleteGroup{"app"}}).ok());
  EXPECT_EQ(store_->GetGroup("app").status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Offsets("app"), IsEmpty());
  EXPECT_TRUE(store_->Apply({DeleteGroup{"app"}}).ok());
}

TEST_P(GroupMetadataTest, DeleteOffsetsRemovesOnlyTheNamedPartitions) {
  ASSERT_TRUE(
      store_
          ->Apply({CommitOffsets{
              "app", {Offset("orders", 0, 1), Offset("orders", 1, 2), Offset("payments", 0, 3)}}})
          .ok());
  ASSERT_TRUE(
      store_->Apply({DeleteOffsets{"app", {{"orders", 1}, {"payments", 0}, {"absent", 4}}}}).ok());
  EXPECT_THAT(Offsets("app"), ElementsAre(Offset("orders", 0, 1)));
}

TEST_P(GroupMetadataTest, DeletingATopicDeletesEveryGroupsOffsetsForIt) {
  ASSERT_TRUE(store_
                  ->Apply({CommitOffsets{"a", {Offset("orders", 0, 1), Offset("payments", 0, 2)}},
                           CommitOffsets{"b", {Offset("orders", 2, 3)}}})
                  .ok());
  ASSERT_TRUE(store_->Apply({DeleteTopic{"orders"}}).ok());
  EXPECT_THAT(Offsets("a"), ElementsAre(Offset("payments", 0, 2)));
  EXPECT_THAT(Offsets("b"), IsEmpty());
  // A topic of the same name created again starts without offsets.
  ASSERT_TRUE(store_->Apply({MakeTopic("orders", 1)}).ok());
  EXPECT_THAT(Offsets("b"), IsEmpty());
}

TEST_P(GroupMetadataTest, CommitToAMissingPartitionRejectsTheWholeBatch) {
  absl::Status status =
      store_->Apply({CommitOffsets{"app", {Offset("orders", 0, 1)}}, SetGroup{StableGroup("app")},
                     CommitOffsets{"app", {Offset("orders", 3, 1)}}});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("change 2 (CommitOffsets)"));
  EXPECT_THAT(Offsets("app"), IsEmpty());
  EXPECT_EQ(store_->GetGroup("app").status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(store_->Apply({CommitOffsets{"app", {Offset("nope", 0, 1)}}}).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(GroupMetadataTest, InvalidGroupRecordsAreRejected) {
  auto expect_invalid = [&](GroupRecord group, const std::string& why) {
    absl::Status status = store_->Apply({SetGroup{std::move(group)}});
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << why;
    EXPECT_THAT(status.message(), HasSubstr(why));
  };
  GroupRecord g = StableGroup("app");
  g.leader = "stranger";
  expect_invalid(g, "leader is not one of its members");
  g = StableGroup("app");
  g.members[1].member_id = g.members[0].member_id;
  expect_invalid(g, "appears twice");
  g = StableGroup("app");
  g.members[0].group_instance_id = "inst-b";
  expect_invalid(g, "used by two members");
  g = StableGroup("app");
  g.generation = -1;
  expect_invalid(g, "negative generation");
  g = StableGroup("app");
  g.protocol.reset();
  expect_invalid(g, "no protocol");
  g = StableGroup("bad\xff");
  expect_invalid(g, "group id is not UTF-8");
  g = StableGroup("app");
  g.members[0].client_id = std::string(kMaxGroupStringLength + 1, 'c');
  expect_invalid(g, "client id is longer");
  g = StableGroup("app");
  g.members[0].assignment = std::string(kMaxMemberBytes + 1, 'a');
  expect_invalid(g, "over");
  g = StableGroup("app");
  g.members.clear();
  expect_invalid(g, "leader of an empty group");
  EXPECT_EQ(store_->GetGroup("app").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(GroupMetadataTest, InvalidCommitsAreRejected) {
  CommittedOffset twice = Offset("orders", 0, 1);
  EXPECT_EQ(store_->Apply({CommitOffsets{"app", {twice, twice}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Apply({CommitOffsets{"app", {Offset("orders", 0, 1, "\xc3")}}}).code(),
            absl::StatusCode::kInvalidArgument);
  CommittedOffset epoch = Offset("orders", 0, 1);
  epoch.leader_epoch = -2;
  EXPECT_EQ(store_->Apply({CommitOffsets{"app", {epoch}}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Offsets("app"), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Stores, GroupMetadataTest,
                         ::testing::Values(Kind::kRocksDb, Kind::kInMemory), [](const auto& info) {
                           return info.param == Kind::kRocksDb ? "RocksDb" : "InMemory";
                         });

// ---- RocksDB only: durability and corruption.

void WriteRaw(const std::string& path, Column column, const std::string& key,
              const std::string& value) {
  rocksdb::DBOptions options;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (Column c : kAllColumns)
    descriptors.emplace_back(ColumnName(c), rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options, path, descriptors, &handles, &db);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(
      db->Put(rocksdb::WriteOptions(), handles[1 + static_cast<size_t>(column)], key, value).ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  EXPECT_TRUE(db->Close().ok());
  delete db;
}

class RocksDbGroupMetadataTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/metadata"; }
  std::unique_ptr<MetadataStore> Open() {
    absl::StatusOr<std::unique_ptr<MetadataStore>> store = OpenRocksDbMetadataStore(path());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  TempDir dir_;
};

TEST_F(RocksDbGroupMetadataTest, GroupsAndOffsetsSurviveReopen) {
  {
    std::unique_ptr<MetadataStore> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply({MakeTopic("orders", 2)}).ok());
    ASSERT_TRUE(store
                    ->Apply({SetGroup{StableGroup("app")},
                             CommitOffsets{"app", {Offset("orders", 1, 42, "m")}}})
                    .ok());
  }
  std::unique_ptr<MetadataStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(*store->GetGroup("app"), StableGroup("app"));
  EXPECT_THAT(*store->GetCommittedOffsets("app"), ElementsAre(Offset("orders", 1, 42, "m")));
}

TEST_F(RocksDbGroupMetadataTest, CorruptGroupAndOffsetValuesAreDataLoss) {
  {
    std::unique_ptr<MetadataStore> store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply({MakeTopic("orders", 1)}).ok());
  }
  WriteRaw(path(), Column::kGroups, codec::GroupKey("app"),
           R"({"v":1,"protocol_type":"consumer","generation":1,"protocol":"range",)"
           R"("leader":"m","state_ms":0,"members":[{"id":"m","instance":null,"client_id":"c",)"
           R"("client_host":"h","rebalance_ms":1,"session_ms":1,"subscription":"!!",)"
           R"("assignment":""}]})");
  WriteRaw(path(), Column::kOffsets, codec::OffsetKey("app", "orders", 0),
           R"({"v":1,"offset":"x"})");
  std::unique_ptr<MetadataStore> store = Open();
  ASSERT_NE(store, nullptr);
  absl::Status group = store->GetGroup("app").status();
  EXPECT_EQ(group.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(group.message(), HasSubstr("members[0]: field 'subscription' is not base64"));
  absl::Status offsets = store->GetCommittedOffsets("app").status();
  EXPECT_EQ(offsets.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(offsets.message(), HasSubstr("column 'offsets'"));
  EXPECT_EQ(store->LoadGroups().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(RocksDbGroupMetadataTest, MalformedOffsetKeyIsDataLoss) {
  { ASSERT_NE(Open(), nullptr); }
  WriteRaw(path(), Column::kOffsets, std::string("\x00\x09short", 7), R"({"v":1})");
  std::unique_ptr<MetadataStore> store = Open();
  ASSERT_NE(store, nullptr);
  absl::Status status = store->LoadGroups().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("not a legal offsets key"));
}

TEST_F(RocksDbGroupMetadataTest, ValueFromANewerFormatIsFailedPrecondition) {
  { ASSERT_NE(Open(), nullptr); }
  WriteRaw(path(), Column::kGroups, codec::GroupKey("app"), R"({"v":9})");
  std::unique_ptr<MetadataStore> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetGroup("app").status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sluice::metadata
