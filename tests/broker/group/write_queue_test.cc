// File: tests/broker/group/write_queue_test.cc
// The coordinator's write thread: order, group commit of what queues up during a write, and
// a refused change list failing alone.
#include "broker/group/write_queue.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "gtest/gtest.h"
#include "tests/mocks/in_memory_metadata_store.h"

namespace sluice::group {
namespace {

// Passes Apply through to an in-memory store, but can hold the first call until released,
// so that more writes queue up behind it.
class GateStore : public metadata::MetadataStore {
 public:
  GateStore() : inner_(std::move(*fakes::NewInMemoryMetadataStore())) {}

  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = false;
    cv_.notify_all();
  }
  int applies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return applies_;
  }
  metadata::MetadataStore& inner() { return *inner_; }

  absl::Status Apply(const std::vector<metadata::MetadataChange>& changes) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++applies_;
      entered_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !closed_; });
    }
    return inner_->Apply(changes);
  }
  void WaitEntered() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }
  absl::StatusOr<metadata::TopicRecord> GetTopic(const std::string& n) const override {
    return inner_->GetTopic(n);
  }
  absl::StatusOr<std::vector<metadata::TopicRecord>> ListTopics() const override {
    return inner_->ListTopics();
  }
  absl::StatusOr<std::vector<metadata::PartitionRecord>> GetPartitions(
      const std::string& t) const override {
    return inner_->GetPartitions(t);
  }
  absl::StatusOr<metadata::PartitionCheckpoint> GetCheckpoint(const std::string& t,
                                                              int32_t p) const override {
    return inner_->GetCheckpoint(t, p);
  }
  absl::StatusOr<std::map<std::string, std::string>> GetBrokerConfigs() const override {
    return inner_->GetBrokerConfigs();
  }
  absl::StatusOr<metadata::GroupRecord> GetGroup(const std::string& g) const override {
    return inner_->GetGroup(g);
  }
  absl::StatusOr<std::vector<metadata::CommittedOffset>> GetCommittedOffsets(
      const std::string& g) const override {
    return inner_->GetCommittedOffsets(g);
  }
  absl::StatusOr<metadata::StoredGroups> LoadGroups() const override {
    return inner_->LoadGroups();
  }
  std::string ClusterId() const override { return inner_->ClusterId(); }
  absl::StatusOr<int64_t> AllocateProducerIdBlock(int32_t size) override {
    return inner_->AllocateProducerIdBlock(size);
  }

 private:
  std::unique_ptr<metadata::MetadataStore> inner_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  bool entered_ = false;
  int applies_ = 0;
};

metadata::CommitOffsets Commit(const std::string& group, const std::string& topic, int64_t offset) {
  metadata::CommittedOffset committed;
  committed.topic = topic;
  committed.partition = 0;
  committed.offset = offset;
  return metadata::CommitOffsets{group, {committed}};
}

TEST(WriteQueueTest, WritesQueuedDuringAWriteGoOutTogetherAndABadOneFailsAlone) {
  GateStore store;
  metadata::CreateTopic topic;
  topic.topic.name = "t";
  topic.topic.topic_id = metadata::TopicId::Random();
  topic.topic.partition_count = 1;
  topic.partitions = metadata::SingleBrokerPartitions(0, 1, 0);
  ASSERT_TRUE(store.inner().Apply({topic}).ok());

  WriteQueue queue(store);
  std::mutex mu;
  std::vector<std::pair<int, absl::StatusCode>> done;
  auto record = [&](int i) {
    return [&, i](const absl::Status& s) {
      std::lock_guard<std::mutex> lock(mu);
      done.emplace_back(i, s.code());
    };
  };
  store.Close();
  queue.Push({Commit("g0", "t", 1)}, record(0));
  store.WaitEntered();  // The first write is in progress; the next three queue behind it.
  queue.Push({Commit("g1", "t", 2)}, record(1));
  queue.Push({Commit("g2", "missing-topic", 3)}, record(2));
  queue.Push({Commit("g3", "t", 4)}, record(3));
  store.Open();
  queue.Flush();

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done[0], std::make_pair(0, absl::StatusCode::kOk));
  EXPECT_EQ(done[1], std::make_pair(1, absl::StatusCode::kOk));
  EXPECT_EQ(done[2], std::make_pair(2, absl::StatusCode::kNotFound));
  EXPECT_EQ(done[3], std::make_pair(3, absl::StatusCode::kOk));
  // One write, one merged attempt, then three one by one.
  EXPECT_EQ(store.applies(), 5);
  EXPECT_EQ(store.inner().GetCommittedOffsets("g3")->at(0).offset, 4);
}

TEST(WriteQueueTest, QueuedWritesMergeIntoOneApply) {
  GateStore store;
  WriteQueue queue(store);
  int calls = 0;
  store.Close();
  queue.Push({metadata::DeleteGroup{"a"}}, [&](const absl::Status&) { ++calls; });
  store.WaitEntered();
  for (int i = 0; i < 10; ++i) {
    queue.Push({metadata::DeleteGroup{"b" + std::to_string(i)}},
               [&](const absl::Status& s) { calls += s.ok() ? 1 : 100; });
  }
  store.Open();
  queue.Flush();
  EXPECT_EQ(calls, 11);
  EXPECT_EQ(store.applies(), 2) << "the ten queued lists went out as one synced write";
}

TEST(WriteQueueTest, StopFinishesWhatIsQueuedThenDropsNewWrites) {
  GateStore store;
  auto queue = std::make_unique<WriteQueue>(store);
  int calls = 0;
  for (int i = 0; i < 5; ++i)
    queue->Push({metadata::DeleteGroup{"g"}}, [&](const absl::Status&) { ++calls; });
  queue->Stop();
  EXPECT_EQ(calls, 5);
  queue->Push({metadata::DeleteGroup{"g"}}, [&](const absl::Status&) { ++calls; });
  queue->Flush();
  EXPECT_EQ(calls, 5);
}

}  // namespace
}  // namespace sluice::group
