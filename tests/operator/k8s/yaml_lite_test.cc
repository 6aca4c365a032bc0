#include "operator/k8s/yaml_lite.h"

#include <gtest/gtest.h>

namespace sluice::k8s {
namespace {

TEST(YamlLiteTest, ReadsAKubeconfigShapedDocument) {
  auto doc = ParseYamlLite(R"(apiVersion: v1
clusters:
- cluster:
    certificate-authority: /pki/ca.crt   # a comment
    server: https://127.0.0.1:48855
  name: kwok-opdev
contexts:
- context:
    cluster: kwok-opdev
    user: "kwok-opdev"
    namespace: 'it''s'
  name: kwok-opdev
current-context: kwok-opdev
kind: Config
preferences: {}
users:
- name: kwok-opdev
  user:
    client-certificate: /pki/admin.crt
    insecure: true
)");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["clusters"][0]["cluster"]["server"], "https://127.0.0.1:48855");
  EXPECT_EQ((*doc)["clusters"][0]["cluster"]["certificate-authority"], "/pki/ca.crt");
  EXPECT_EQ((*doc)["clusters"][0]["name"], "kwok-opdev");
  EXPECT_EQ((*doc)["contexts"][0]["context"]["user"], "kwok-opdev");
  EXPECT_EQ((*doc)["contexts"][0]["context"]["namespace"], "it's");
  EXPECT_EQ((*doc)["current-context"], "kwok-opdev");
  EXPECT_TRUE((*doc)["preferences"].is_object());
  EXPECT_EQ((*doc)["users"][0]["user"]["insecure"], true);
}

TEST(YamlLiteTest, IndentedSequencesAndScalarItems) {
  auto doc = ParseYamlLite("a:\n  - x\n  - y: 1\n    z: 2\nb:\n  c:\n    d: e\n");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ((*doc)["a"][0], "x");
  EXPECT_EQ((*doc)["a"][1]["z"], "2");
  EXPECT_EQ((*doc)["b"]["c"]["d"], "e");
}

TEST(YamlLiteTest, JsonDocumentsAreParsedAsJson) {
  auto doc = ParseYamlLite(R"({"current-context": "c", "clusters": []})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)["current-context"], "c");
}

TEST(YamlLiteTest, UnsupportedConstructsAreErrorsNotGuesses) {
  EXPECT_FALSE(ParseYamlLite("a: |\n  multi\n").ok());
  EXPECT_FALSE(ParseYamlLite("a: &anchor x\n").ok());
  EXPECT_FALSE(ParseYamlLite("a: {b: c}\n").ok());
  EXPECT_FALSE(ParseYamlLite("a: b\n  c: d\n").ok());  // bad indentation
  EXPECT_FALSE(ParseYamlLite("just text\n").ok());
  EXPECT_FALSE(ParseYamlLite("{ not json").ok());
}

}  // namespace
}  // namespace sluice::k8s
