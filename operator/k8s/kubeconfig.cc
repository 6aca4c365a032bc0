#include "operator/k8s/kubeconfig.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "operator/k8s/yaml_lite.h"

namespace sluice::k8s {
namespace {

// The entry named `name` of the list `doc[list]` (clusters/users/contexts), its `field`.
absl::StatusOr<nlohmann::json> Named(const nlohmann::json& doc, const char* list,
                                     const std::string& name, const char* field) {
  if (doc.contains(list) && doc[list].is_array()) {
    for (const auto& entry : doc[list]) {
      if (entry.is_object() && entry.contains("name") && entry["name"] == name) {
        if (entry.contains(field) && entry[field].is_object()) return entry[field];
        return nlohmann::json::object();
      }
    }
  }
  return absl::NotFoundError(absl::StrCat("kubeconfig: no ", list, " entry named '", name, "'"));
}

std::string Str(const nlohmann::json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : "";
}

// Reads "<key>-data" (base64) or the file "<key>" into *out.
absl::Status DataOrFile(const nlohmann::json& obj, const std::string& key, const std::string& dir,
                        std::string* out) {
  std::string data = Str(obj, (key + "-data").c_str());
  if (!data.empty()) {
    if (!absl::Base64Unescape(data, out)) {
      return absl::InvalidArgumentError(absl::StrCat("kubeconfig: ", key, "-data is not base64"));
    }
    return absl::OkStatus();
  }
  std::string file = Str(obj, key.c_str());
  if (file.empty()) return absl::OkStatus();
  if (file[0] != '/') file = dir + "/" + file;
  SLUICE_ASSIGN_OR_RETURN(*out, ReadFileToString(file));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<ClientConfig> LoadKubeconfig(const std::string& path, const std::string& context) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  auto parsed = ParseYamlLite(text);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
  }
  const nlohmann::json& doc = *parsed;
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  std::string context_name = context.empty() ? Str(doc, "current-context") : context;
  if (context_name.empty()) return absl::InvalidArgumentError(path + ": no current-context");
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json ctx, Named(doc, "contexts", context_name, "context"));
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json cluster,
                          Named(doc, "clusters", Str(ctx, "cluster"), "cluster"));
  ClientConfig config;
  config.namespace_ = Str(ctx, "namespace");
  config.server = Str(cluster, "server");
  if (config.server.empty()) return absl::InvalidArgumentError(path + ": cluster has no server");
  config.insecure_skip_tls_verify =
      cluster.contains("insecure-skip-tls-verify") && cluster["insecure-skip-tls-verify"] == true;
  SLUICE_RETURN_IF_ERROR(DataOrFile(cluster, "certificate-authority", dir, &config.ca_pem));
  if (!Str(ctx, "user").empty()) {
    SLUICE_ASSIGN_OR_RETURN(nlohmann::json user, Named(doc, "users", Str(ctx, "user"), "user"));
    if (user.contains("exec") || user.contains("auth-provider")) {
      return absl::InvalidArgumentError(path +
                                        ": exec and auth-provider credentials are not supported");
    }
    SLUICE_RETURN_IF_ERROR(DataOrFile(user, "client-certificate", dir, &config.client_cert_pem));
    SLUICE_RETURN_IF_ERROR(DataOrFile(user, "client-key", dir, &config.client_key_pem));
    config.bearer_token = Str(user, "token");
    config.bearer_token_file = Str(user, "tokenFile");
    if (!config.bearer_token_file.empty() && config.bearer_token_file[0] != '/') {
      config.bearer_token_file = dir + "/" + config.bearer_token_file;
    }
  }
  if (config.client_cert_pem.empty() != config.client_key_pem.empty()) {
    return absl::InvalidArgumentError(path + ": client certificate and key must come together");
  }
  return config;
}

absl::StatusOr<ClientConfig> LoadInClusterConfig(const std::string& account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || port == nullptr || *host == '\0') {
    return absl::FailedPreconditionError(
        "not in a cluster: KUBERNETES_SERVICE_HOST/PORT are unset (give --kubeconfig)");
  }
  ClientConfig config;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6
  config.server = absl::StrCat("https://", h, ":", port);
  SLUICE_ASSIGN_OR_RETURN(config.ca_pem, ReadFileToString(account_dir + "/ca.crt"));
  config.bearer_token_file = account_dir + "/token";
  SLUICE_RETURN_IF_ERROR(ReadFileToString(config.bearer_token_file).status());
  auto ns = ReadFileToString(account_dir + "/namespace");
  if (ns.ok()) config.namespace_ = *ns;
  return config;
}

}  // namespace sluice::k8s
