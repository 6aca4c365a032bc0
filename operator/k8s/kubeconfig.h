// File: operator/k8s/kubeconfig.h
// Where the API server is and how to authenticate: from a kubeconfig file or from the pod's
// service account (in-cluster). Only what HttpKubeClient needs; exec/auth-provider plugins are
// not supported (InvalidArgument names them).
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace sluice::k8s {

struct ClientConfig {
  std::string server;           // "https://127.0.0.1:6443"
  std::string ca_pem;           // trusted CA certificates; empty: the system's
  std::string client_cert_pem;  // client certificate chain (with client_key_pem)
  std::string client_key_pem;
  std::string bearer_token;       // static token
  std::string bearer_token_file;  // re-read on every request (projected tokens rotate)
  bool insecure_skip_tls_verify = false;
  std::string namespace_;  // the context's or the service account's namespace
};

// Loads `path` (YAML or JSON). `context` empty: the file's current-context. File references
// (certificate-authority, client-certificate, client-key, tokenFile) are read now, relative to
// the kubeconfig's directory; *-data fields are base64-decoded.
absl::StatusOr<ClientConfig> LoadKubeconfig(const std::string& path,
                                            const std::string& context = "");

// In-cluster config: KUBERNETES_SERVICE_HOST/PORT and the service account files in
// `account_dir` (token, ca.crt, namespace).
absl::StatusOr<ClientConfig> LoadInClusterConfig(
    const std::string& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

// Reads a whole file (NotFound if it cannot be opened).
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace sluice::k8s
