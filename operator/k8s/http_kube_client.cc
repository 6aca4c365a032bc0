#include "operator/k8s/http_kube_client.h"

// clang-format off
#include <utility>  // before Boost.Asio: Boost 1.74's awaitable.hpp needs std::exchange
#include <boost/asio/ssl.hpp>
// clang-format on
#include <cpprest/containerstream.h>
#include <cpprest/http_client.h>

#include <chrono>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "operator/k8s/api_status.h"

namespace sluice::k8s {

namespace http = web::http;
using Query = std::vector<std::pair<std::string, std::string>>;

struct HttpKubeClient::Impl {
  ClientConfig config;
  int timeout_seconds = 30;
  std::unique_ptr<http::client::http_client> client;

  http::client::http_client_config ClientConfigFor(int timeout) const {
    http::client::http_client_config c;
    c.set_timeout(std::chrono::seconds(timeout));
    c.set_validate_certificates(!config.insecure_skip_tls_verify);
    ClientConfig copy = config;
    c.set_ssl_context_callback([copy](boost::asio::ssl::context& ctx) {
      // Exceptions here fail the request; Create() already proved the PEM blocks load.
      if (!copy.ca_pem.empty()) {
        ctx.add_certificate_authority(boost::asio::buffer(copy.ca_pem));
      }
      if (!copy.client_cert_pem.empty()) {
        ctx.use_certificate_chain(boost::asio::buffer(copy.client_cert_pem));
        ctx.use_private_key(boost::asio::buffer(copy.client_key_pem),
                            boost::asio::ssl::context::pem);
      }
    });
    return c;
  }

  std::string Url(const std::string& path, const Query& query) const {
    std::string url = path;
    char sep = '?';
    for (const auto& [k, v] : query) {
      absl::StrAppend(&url, std::string(1, sep), k, "=", web::uri::encode_data_string(v));
      sep = '&';
    }
    return url;
  }

  absl::Status Authorize(http::http_request& request) const {
    std::string token = config.bearer_token;
    if (!config.bearer_token_file.empty()) {
      SLUICE_ASSIGN_OR_RETURN(token, ReadFileToString(config.bearer_token_file));
      while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    }
    if (!token.empty()) request.headers().add("Authorization", "Bearer " + token);
    request.headers().add("Accept", "application/json");
    request.headers().add("User-Agent", "sluice-operator");
    return absl::OkStatus();
  }

  absl::StatusOr<nlohmann::json> Call(const http::method& method, const std::string& path,
                                      const Query& query, const nlohmann::json* body,
                                      const std::string& content_type = "application/json") {
    try {
      http::http_request request(method);
      request.set_request_uri(Url(path, query));
      SLUICE_RETURN_IF_ERROR(Authorize(request));
      if (body != nullptr) request.set_body(body->dump(), content_type);
      http::http_response response = client->request(request).get();
      std::string text = response.extract_utf8string(true).get();
      int code = response.status_code();
      if (code < 200 || code >= 300) return StatusFromHttp(code, text);
      nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded()) {
        return absl::InternalError(absl::StrCat(method, " ", path, ": response is not JSON"));
      }
      return parsed;
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat(method, " ", path, ": ", e.what()));
    }
  }
};

HttpKubeClient::HttpKubeClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpKubeClient::~HttpKubeClient() = default;

absl::StatusOr<std::unique_ptr<HttpKubeClient>> HttpKubeClient::Create(const ClientConfig& config,
                                                                       int timeout_seconds) {
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return absl::InvalidArgumentError("server must be an http(s) URL: " + config.server);
  }
  try {
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    if (!config.ca_pem.empty()) probe.add_certificate_authority(boost::asio::buffer(config.ca_pem));
    if (!config.client_cert_pem.empty()) {
      probe.use_certificate_chain(boost::asio::buffer(config.client_cert_pem));
      probe.use_private_key(boost::asio::buffer(config.client_key_pem),
                            boost::asio::ssl::context::pem);
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("TLS material does not load: ", e.what()));
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->timeout_seconds = timeout_seconds;
  try {
    impl->client = std::make_unique<http::client::http_client>(
        config.server, impl->ClientConfigFor(timeout_seconds));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("bad server URL: ", e.what()));
  }
  return std::unique_ptr<HttpKubeClient>(new HttpKubeClient(std::move(impl)));
}

absl::StatusOr<nlohmann::json> HttpKubeClient::Get(const Resource& resource, const std::string& ns,
                                                   const std::string& name) {
  return impl_->Call(http::methods::GET, resource.Path(ns, name), {}, nullptr);
}

absl::StatusOr<nlohmann::json> HttpKubeClient::List(const Resource& resource, const std::string& ns,
                                                    const ListOptions& options) {
  Query query;
  if (!options.label_selector.empty()) query.emplace_back("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) query.emplace_back("fieldSelector", options.field_selector);
  return impl_->Call(http::methods::GET, resource.Path(ns), query, nullptr);
}

absl::StatusOr<nlohmann::json> HttpKubeClient::Create(const Resource& resource,
                                                      const std::string& ns,
                                                      const nlohmann::json& object) {
  return impl_->Call(http::methods::POST, resource.Path(ns), {}, &object);
}

absl::StatusOr<nlohmann::json> HttpKubeClient::Replace(const Resource& resource,
                                                       const std::string& ns,
                                                       const nlohmann::json& object) {
  std::string name;
  if (object.contains("metadata") && object["metadata"].contains("name") &&
      object["metadata"]["name"].is_string()) {
    name = object["metadata"]["name"];
  }
  if (name.empty()) return absl::InvalidArgumentError("Replace: metadata.name is required");
  return impl_->Call(http::methods::PUT, resource.Path(ns, name), {}, &object);
}

absl::StatusOr<nlohmann::json> HttpKubeClient::Apply(const Resource& resource,
                                                     const std::string& ns,
                                                     const nlohmann::json& object, bool status) {
  std::string name;
  if (object.contains("metadata") && object["metadata"].contains("name") &&
      object["metadata"]["name"].is_string()) {
    name = object["metadata"]["name"];
  }
  if (name.empty()) return absl::InvalidArgumentError("Apply: metadata.name is required");
  std::string path = resource.Path(ns, name) + (status ? "/status" : "");
  // The apply-patch+yaml content type takes JSON too (JSON is YAML).
  return impl_->Call(http::methods::PATCH, path,
                     {{"fieldManager", kFieldManager}, {"force", "true"}}, &object,
                     "application/apply-patch+yaml");
}

absl::Status HttpKubeClient::Delete(const Resource& resource, const std::string& ns,
                                    const std::string& name) {
  nlohmann::json options = {
      {"apiVersion", "v1"}, {"kind", "DeleteOptions"}, {"propagationPolicy", "Background"}};
  return impl_->Call(http::methods::DEL, resource.Path(ns, name), {}, &options).status();
}

absl::Status HttpKubeClient::Watch(const Resource& resource, const std::string& ns,
                                   const WatchOptions& options,
                                   const std::function<bool(const WatchEvent&)>& on_event,
                                   const std::atomic<bool>& stop) {
  Query query = {{"watch", "true"}, {"timeoutSeconds", std::to_string(options.timeout_seconds)}};
  if (options.allow_bookmarks) query.emplace_back("allowWatchBookmarks", "true");
  if (!options.resource_version.empty()) {
    query.emplace_back("resourceVersion", options.resource_version);
  }
  if (!options.label_selector.empty()) query.emplace_back("labelSelector", options.label_selector);
  std::string path = resource.Path(ns);

  pplx::cancellation_token_source cancel;
  std::atomic<bool> done{false};
  // Turns `stop` into a cancellation of the request (which aborts a blocked body read).
  std::thread stopper([&] {
    while (!done.load() && !stop.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.load()) cancel.cancel();
  });
  auto finish = [&](absl::Status s) {
    done.store(true);
    stopper.join();
    return stop.load() ? absl::CancelledError("watch stopped") : s;
  };
  try {
    http::client::http_client client(impl_->config.server,
                                     impl_->ClientConfigFor(options.timeout_seconds + 30));
    http::http_request request(http::methods::GET);
    request.set_request_uri(impl_->Url(path, query));
    if (auto s = impl_->Authorize(request); !s.ok()) return finish(s);
    http::http_response response = client.request(request, cancel.get_token()).get();
    if (response.status_code() != 200) {
      return finish(
          StatusFromHttp(response.status_code(), response.extract_utf8string(true).get()));
    }
    auto body = response.body();
    while (!stop.load()) {
      concurrency::streams::container_buffer<std::string> line;  // fresh per line
      size_t n = body.read_line(line).get();
      if (n == 0 && body.is_eof()) return finish(absl::OkStatus());  // server ended the watch
      if (line.collection().empty()) continue;
      nlohmann::json event = nlohmann::json::parse(line.collection(), nullptr, false);
      if (event.is_discarded() || !event.is_object() || !event.contains("type") ||
          !event["type"].is_string()) {
        return finish(absl::InternalError("watch " + path + ": malformed event"));
      }
      WatchEvent e{event["type"], event.value("object", nlohmann::json::object())};
      if (e.type == "ERROR") return finish(StatusFromApiStatusObject(e.object));
      if (!on_event(e)) return finish(absl::OkStatus());
    }
    return finish(absl::OkStatus());
  } catch (const std::exception& e) {
    return finish(absl::UnavailableError(absl::StrCat("watch ", path, ": ", e.what())));
  }
}

}  // namespace sluice::k8s
