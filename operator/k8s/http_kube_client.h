// File: operator/k8s/http_kube_client.h
// KubeClient over HTTPS with cpprestsdk (the only file of Sluice that includes cpprest).
//
// TLS: the server certificate is verified against ClientConfig::ca_pem (and the host name);
// a client certificate is presented when configured; a bearer token is sent as
// "Authorization: Bearer". Plain requests time out after `request_timeout_seconds` without
// data; a watch after its timeoutSeconds + 30 s of silence (bookmarks keep it alive).
// Thread-safe. Never throws: cpprest and transport exceptions become Unavailable.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "operator/k8s/client.h"
#include "operator/k8s/kubeconfig.h"

namespace sluice::k8s {

class HttpKubeClient : public KubeClient {
 public:
  // Validates the config (PEM blocks load, server is https or http) without contacting it.
  static absl::StatusOr<std::unique_ptr<HttpKubeClient>> Create(const ClientConfig& config,
                                                                int request_timeout_seconds = 30);
  ~HttpKubeClient() override;

  absl::StatusOr<nlohmann::json> Get(const Resource& resource, const std::string& namespace_,
                                     const std::string& name) override;
  absl::StatusOr<nlohmann::json> List(const Resource& resource, const std::string& namespace_,
                                      const ListOptions& options) override;
  absl::Status Watch(const Resource& resource, const std::string& namespace_,
                     const WatchOptions& options,
                     const std::function<bool(const WatchEvent&)>& on_event,
                     const std::atomic<bool>& stop) override;
  absl::StatusOr<nlohmann::json> Create(const Resource& resource, const std::string& namespace_,
                                        const nlohmann::json& object) override;
  absl::StatusOr<nlohmann::json> Replace(const Resource& resource, const std::string& namespace_,
                                         const nlohmann::json& object) override;
  absl::StatusOr<nlohmann::json> Apply(const Resource& resource, const std::string& namespace_,
                                       const nlohmann::json& object, bool status) override;
  absl::Status Delete(const Resource& resource, const std::string& namespace_,
                      const std::string& name) override;

 private:
  struct Impl;
  explicit HttpKubeClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::k8s
