#include "operator/k8s/kubeconfig.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace sluice::k8s {
namespace {

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/kubeconfig_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(KubeconfigTest, ReadsFilesRelativeToTheKubeconfig) {
  Write("ca.crt", "CA PEM");
  Write("admin.crt", "CERT PEM");
  Write("admin.key", "KEY PEM");
  std::string path = Write("config", R"(apiVersion: v1
clusters:
- cluster: {certificate-authority: ca.crt, server: https://127.0.0.1:6443}
  name: c1
)");
  // Flow mappings with content are not supported: the loader says so.
  EXPECT_FALSE(LoadKubeconfig(path).ok());
  path = Write("config", R"(clusters:
- cluster:
    certificate-authority: ca.crt
    server: https://127.0.0.1:6443
  name: c1
contexts:
- context: {}
  name: empty
- context:
    cluster: c1
    user: u1
    namespace: team
  name: ctx
current-context: ctx
users:
- name: u1
  user:
    client-certificate: admin.crt
    client-key: admin.key
)");
  auto config = LoadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://127.0.0.1:6443");
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->client_cert_pem, "CERT PEM");
  EXPECT_EQ(config->client_key_pem, "KEY PEM");
  EXPECT_EQ(config->namespace_, "team");
  EXPECT_FALSE(LoadKubeconfig(path, "missing").ok());
}

TEST_F(KubeconfigTest, DecodesDataFieldsAndTokens) {
  std::string path = Write("config", R"(clusters:
- cluster:
    certificate-authority-data: Q0EgUEVN
    server: https://k8s.example:443
  name: c
contexts:
- context:
    cluster: c
    user: u
  name: x
current-context: x
users:
- name: u
  user:
    token: s3cr3t
)");
  auto config = LoadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ca_pem, "CA PEM");
  EXPECT_EQ(config->bearer_token, "s3cr3t");
  EXPECT_TRUE(config->client_cert_pem.empty());
}

TEST_F(KubeconfigTest, RefusesExecPluginsAndHalfCertificates) {
  std::string head =
      "clusters:\n- cluster:\n    server: https://a:1\n  name: c\ncontexts:\n"
      "- context:\n    cluster: c\n    user: u\n  name: x\ncurrent-context: x\n";
  auto exec = LoadKubeconfig(Write("a", head + "users:\n- name: u\n  user:\n    exec:\n"
                                               "      command: aws\n"));
  EXPECT_TRUE(absl::IsInvalidArgument(exec.status())) << exec.status();
  Write("c.crt", "C");
  auto half = LoadKubeconfig(Write("b", head + "users:\n- name: u\n  user:\n"
                                               "    client-certificate: c.crt\n"));
  EXPECT_FALSE(half.ok());
  EXPECT_TRUE(absl::IsNotFound(LoadKubeconfig(dir_ + "/absent").status()));
}

TEST_F(KubeconfigTest, InClusterUsesServiceAccountFiles) {
  Write("token", "tok\n");
  Write("ca.crt", "CA");
  Write("namespace", "ops");
  setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto config = LoadInClusterConfig(dir_);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.0.0.1:443");
  EXPECT_EQ(config->ca_pem, "CA");
  EXPECT_EQ(config->bearer_token_file, dir_ + "/token");
  EXPECT_EQ(config->namespace_, "ops");
  unsetenv("KUBERNETES_SERVICE_HOST");
  EXPECT_TRUE(absl::IsFailedPrecondition(LoadInClusterConfig(dir_).status()));
}

}  // namespace
}  // namespace sluice::k8s
