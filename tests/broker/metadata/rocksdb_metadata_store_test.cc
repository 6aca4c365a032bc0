// File: tests/broker/metadata/rocksdb_metadata_store_test.cc
// What only the RocksDB store can show: persistence across reopen, corrupt values on disk,
// and the directory lock. Corruption is injected through a second, raw RocksDB handle.
#include "broker/metadata/rocksdb_metadata_store.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "broker/metadata/metadata_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/broker/metadata/temp_dir.h"

namespace sluice::metadata {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<MetadataStore> OpenOrDie(const std::string& path) {
  absl::StatusOr<std::unique_ptr<MetadataStore>> store = OpenRocksDbMetadataStore(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::move(*store) : nullptr;
}

CreateTopic MakeTopic(const std::string& name, int32_t partitions) {
  CreateTopic change;
  change.topic.name = name;
  change.topic.topic_id = TopicId::Random();
  change.topic.partition_count = partitions;
  change.topic.replication_factor = 1;
  change.topic.created_ms = 42;
  change.partitions = SingleBrokerPartitions(0, partitions, 0);
  return change;
}

// Writes `value` under `key` in `column`, bypassing the store. REQUIRES: no store open.
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
  rocksdb::ColumnFamilyHandle* target = handles[1 + static_cast<size_t>(column)];
  EXPECT_TRUE(db->Put(rocksdb::WriteOptions(), target, key, value).ok());
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  EXPECT_TRUE(db->Close().ok());
  delete db;
}

class RocksDbMetadataStoreTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.path() + "/metadata"; }
  TempDir dir_;
};

TEST_F(RocksDbMetadataStoreTest, EverythingSurvivesReopen) {
  CreateTopic orders = MakeTopic("orders", 3);
  orders.topic.configs = {{"retention.ms", "60000"}};
  {
    std::unique_ptr<MetadataStore> store = OpenOrDie(path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply({orders, MakeTopic("gone", 1)}).ok());
    ASSERT_TRUE(store
                    ->Apply({DeleteTopic{"gone"}, SetBrokerConfig{"num.io.threads", "4"},
                             SetPartitionCheckpoint{"orders", 2, {1, 9, 8}}})
                    .ok());
  }
  std::unique_ptr<MetadataStore> store = OpenOrDie(path());
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::vector<TopicRecord>> topics = store->ListTopics();
  ASSERT_TRUE(topics.ok()) << topics.status();
  ASSERT_EQ(topics->size(), 1u);
  EXPECT_EQ(topics->front(), orders.topic);
  EXPECT_EQ(*store->GetPartitions("orders"), orders.partitions);
  EXPECT_EQ(*store->GetCheckpoint("orders", 2), (PartitionCheckpoint{1, 9, 8}));
  EXPECT_EQ(*store->GetBrokerConfigs(),
            (std::map<std::string, std::string>{{"num.io.threads", "4"}}));
}

TEST_F(RocksDbMetadataStoreTest, ProducerIdBlocksStayMonotonicAcrossReopen) {
  int64_t previous_end = 0;
  for (int run = 0; run < 3; ++run) {
    std::unique_ptr<MetadataStore> store = OpenOrDie(path());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<int64_t> first = store->AllocateProducerIdBlock(1000);
      ASSERT_TRUE(first.ok()) << first.status();
      EXPECT_EQ(*first, previous_end);
      previous_end = *first + 1000;
    }
  }
}

TEST_F(RocksDbMetadataStoreTest, ClusterIdIsStableAcrossReopen) {
  std::string id;
  {
    std::unique_ptr<MetadataStore> store = OpenOrDie(path());
    ASSERT_NE(store, nullptr);
    id = store->ClusterId();
  }
  EXPECT_EQ(OpenOrDie(path())->ClusterId(), id);

  TempDir other;
  EXPECT_NE(OpenOrDie(other.path())->ClusterId(), id);

  ASSERT_TRUE(OpenOrDie(path())->Apply({SetClusterId{"replaced-id"}}).ok());
  EXPECT_EQ(OpenOrDie(path())->ClusterId(), "replaced-id");
}

TEST_F(RocksDbMetadataStoreTest, OpenCreatesMissingDirectories) {
  std::string nested = dir_.path() + "/a/b/c";
  EXPECT_NE(OpenOrDie(nested), nullptr);
  EXPECT_TRUE(std::filesystem::is_directory(nested));
}

TEST_F(RocksDbMetadataStoreTest, CorruptTopicValueIsDataLossNamingTheKey) {
  {
    std::unique_ptr<MetadataStore> store = OpenOrDie(path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply({MakeTopic("orders", 1), MakeTopic("payments", 1)}).ok());
  }
  WriteRaw(path(), Column::kTopics, codec::TopicKey("orders"), "{\"v\":1,\"id\":");

  std::unique_ptr<MetadataStore> store = OpenOrDie(path());
  ASSERT_NE(store, nullptr);
  absl::Status status = store->GetTopic("orders").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("column 'topics' key 'orders'"));
  EXPECT_EQ(store->ListTopics().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store->GetPartitions("orders").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(store->Apply({DeleteTopic{"orders"}}).code(), absl::StatusCode::kDataLoss);
  // Other records stay readable.
  EXPECT_TRUE(store->GetTopic("payments").ok());
}

TEST_F(RocksDbMetadataStoreTest, WrongTypesAndStrayKeysAreDataLoss) {
  {
    std::unique_ptr<MetadataStore> store = OpenOrDie(path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Apply({MakeTopic("t", 2), SetPartitionCheckpoint{"t", 0, {}}}).ok());
  }
  WriteRaw(path(), Column::kCheckpoints, codec::PartitionKey("t", 0),
           R"({"v":1,"log_start":"zero","hw":0,"recovery":0})");
  WriteRaw(path(), Column::kPartitions, codec::PartitionKey("t", 7), R"({"v":1})");

  std::unique_ptr<MetadataStore> store = OpenOrDie(path());
  ASSERT_NE(store, nullptr);
  absl::Status checkpoint = store->GetCheckpoint("t", 0).status();
  EXPECT_EQ(checkpoint.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(checkpoint.message(), HasSubstr("log_start"));
  absl::Status partitions = store->GetPartitions("t").status();
  EXPECT_EQ(partitions.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(partitions.message(), HasSubstr("column 'partitions' key 't\\x00"));
}

TEST_F(RocksDbMetadataStoreTest, CorruptClusterIdFailsOpenWithDataLoss) {
  { ASSERT_NE(OpenOrDie(path()), nullptr); }
  WriteRaw(path(), Column::kMeta, codec::kClusterIdKey, "\x01\x02garbage");
  absl::StatusOr<std::unique_ptr<MetadataStore>> store = OpenRocksDbMetadataStore(path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(store.status().message(), HasSubstr("cluster_id"));
}

TEST_F(RocksDbMetadataStoreTest, SecondOpenInTheSameProcessIsRefused) {
  std::unique_ptr<MetadataStore> first = OpenOrDie(path());
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<MetadataStore>> second = OpenRocksDbMetadataStore(path());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("another broker may be using"));
}

// Another process holds the same fcntl lock RocksDB takes on <dir>/LOCK.
TEST_F(RocksDbMetadataStoreTest, DirectoryLockedByAnotherProcessIsRefused) {
  { ASSERT_NE(OpenOrDie(path()), nullptr); }  // Creates the database and its LOCK file.
  const std::string lock_path = path() + "/LOCK";
  int ready[2];
  int release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: only async-signal-safe calls. Lock, report, wait for the parent, exit.
    close(ready[0]);
    close(release[1]);
    int fd = open(lock_path.c_str(), O_RDWR);
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    char ok = (fd >= 0 && fcntl(fd, F_SETLK, &lock) == 0) ? '1' : '0';
    if (write(ready[1], &ok, 1) != 1) _exit(2);
    char ignored;
    (void)!read(release[0], &ignored, 1);  // Returns when the parent closes its end.
    _exit(0);
  }
  close(ready[1]);
  close(release[0]);
  char locked = 0;
  ssize_t got = read(ready[0], &locked, 1);

  absl::StatusOr<std::unique_ptr<MetadataStore>> store = OpenRocksDbMetadataStore(path());

  close(release[1]);  // Lets the child exit.
  close(ready[0]);
  int child_status = 0;
  ASSERT_EQ(waitpid(child, &child_status, 0), child);
  ASSERT_EQ(got, 1);
  ASSERT_EQ(locked, '1') << "child could not lock " << lock_path;
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("another broker may be using"));
  EXPECT_THAT(store.status().message(), HasSubstr(path()));

  // Once the other process is gone the directory opens again.
  EXPECT_NE(OpenOrDie(path()), nullptr);
}

}  // namespace
}  // namespace sluice::metadata
