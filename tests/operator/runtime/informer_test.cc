#include "operator/runtime/informer.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/operator/fake_kube_client.h"

namespace sluice::operator_runtime {
namespace {

using sluice::testing::FakeKubeClient;

nlohmann::json Obj(const std::string& name, const std::string& rv) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}}};
}

nlohmann::json ListOf(std::vector<nlohmann::json> items, const std::string& rv) {
  return {{"items", items}, {"metadata", {{"resourceVersion", rv}}}};
}

struct Recorder {
  std::mutex mu;
  std::vector<std::string> seen;
  void operator()(ChangeType type, const std::string& key, const nlohmann::json&) {
    std::lock_guard<std::mutex> lock(mu);
    const char* t = type == ChangeType::kAdded     ? "add"
                    : type == ChangeType::kUpdated ? "update"
                                                   : "delete";
    seen.push_back(std::string(t) + " " + key);
  }
  std::vector<std::string> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return seen;
  }
};

// Runs the informer until `done` holds or 5 s pass.
template <typename Pred>
bool RunUntil(Informer& informer, Pred done) {
  std::atomic<bool> stop{false};
  std::thread t([&] { informer.Run(stop); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool ok = false;
  while (std::chrono::steady_clock::now() < deadline && !(ok = done())) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  t.join();
  return ok;
}

TEST(InformerTest, ListsThenWatchesFromTheListResourceVersion) {
  FakeKubeClient client;
  client.SetListResult([] { return ListOf({Obj("a", "5")}, "10"); });
  client.AddWatchStep([](const auto& on_event) {
    on_event({"ADDED", Obj("b", "11")});
    on_event({"MODIFIED", Obj("a", "12")});
    on_event({"DELETED", Obj("b", "13")});
    on_event({"BOOKMARK", {{"metadata", {{"resourceVersion", "20"}}}}});
    return absl::OkStatus();  // the server ends the watch (timeoutSeconds)
  });
  Informer informer(&client, {k8s::SluiceClusters(), "ns"});
  Recorder rec;
  informer.AddHandler(std::ref(rec));
  ASSERT_TRUE(RunUntil(informer, [&] { return client.CountCalls("WATCH") >= 2; }));
  EXPECT_EQ(rec.Get(),
            (std::vector<std::string>{"add ns/a", "add ns/b", "update ns/a", "delete ns/b"}));
  auto calls = client.Calls();
  EXPECT_EQ(calls[1], "WATCH /apis/sluice.dev/v1alpha1/namespaces/ns/sluiceclusters?rv=10");
  // Re-watch resumes from the bookmark's resourceVersion (the newest seen), without a relist.
  EXPECT_EQ(calls[2], "WATCH /apis/sluice.dev/v1alpha1/namespaces/ns/sluiceclusters?rv=20");
  EXPECT_EQ(client.CountCalls("LIST"), 1);
  EXPECT_TRUE(informer.HasSynced());
  ASSERT_TRUE(informer.Get("ns/a").has_value());
  EXPECT_EQ((*informer.Get("ns/a"))["metadata"]["resourceVersion"], "12");
  EXPECT_FALSE(informer.Get("ns/b").has_value());
}

TEST(InformerTest, GoneRelistsAndDeliversWhatChangedMeanwhile) {
  FakeKubeClient client;
  std::atomic<int> lists{0};
  client.SetListResult([&] {
    // The second list: a changed, b deleted, c created while no watch was open.
    return ++lists == 1 ? ListOf({Obj("a", "1"), Obj("b", "2")}, "2")
                        : ListOf({Obj("a", "7"), Obj("c", "8")}, "9");
  });
  client.AddWatchStep([](const auto&) {
    return k8s::StatusFromApiStatusObject(
        {{"code", 410}, {"reason", "Expired"}, {"message", "too old resource version"}});
  });
  Informer informer(&client, {k8s::SluiceClusters(), "ns"});
  Recorder rec;
  informer.AddHandler(std::ref(rec));
  ASSERT_TRUE(RunUntil(informer, [&] { return informer.Stats().lists >= 2; }));
  EXPECT_EQ(informer.Stats().relists_gone, 1u);
  auto seen = rec.Get();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[2], "delete ns/b");
  EXPECT_EQ(seen[3], "update ns/a");
  EXPECT_EQ(seen[4], "add ns/c");
  EXPECT_EQ(informer.List().size(), 2u);
}

TEST(InformerTest, ListFailuresAreRetriedWithBackoff) {
  FakeKubeClient client;
  client.FailCalls("LIST", absl::UnavailableError("connection refused"));
  InformerOptions options{k8s::SluiceClusters(), "ns"};
  options.backoff = {std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
  Informer informer(&client, options);
  ASSERT_TRUE(RunUntil(informer, [&] { return client.CountCalls("LIST") >= 3; }));
  EXPECT_FALSE(informer.HasSynced());
  client.ClearFailures();
  ASSERT_TRUE(RunUntil(informer, [&] { return informer.HasSynced(); }));
}

}  // namespace
}  // namespace sluice::operator_runtime
