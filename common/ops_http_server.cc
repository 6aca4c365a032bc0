#include "common/ops_http_server.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace sluice {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// Serves one request on `socket`, then closes it.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, std::vector<std::shared_ptr<prometheus::Collectable>> sources,
              const std::atomic<bool>* ready)
      : stream_(std::move(socket)), sources_(std::move(sources)), ready_(ready) {}

  void Start() {
    stream_.expires_after(std::chrono::seconds(10));
    parser_.body_limit(64 * 1024);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->Respond();
                     });
  }

 private:
  void Respond() {
    const auto& request = parser_.get();
    response_.version(request.version());
    response_.keep_alive(false);
    response_.set(http::field::content_type, "text/plain; charset=utf-8");
    std::string target(request.target());
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response_.result(http::status::method_not_allowed);
      response_.body() = "only GET is served\n";
    } else if (target == "/metrics") {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      std::vector<prometheus::MetricFamily> families;
      for (const auto& source : sources_) {
        auto more = source->Collect();
        families.insert(families.end(), more.begin(), more.end());
      }
      response_.body() = prometheus::TextSerializer().Serialize(families);
    } else if (target == "/healthz") {
      response_.result(http::status::ok);
      response_.body() = "ok\n";
    } else if (target == "/readyz") {
      bool ready = ready_->load();
      response_.result(ready ? http::status::ok : http::status::service_unavailable);
      response_.body() = ready ? "ready\n" : "not ready\n";
    } else {
      response_.result(http::status::not_found);
      response_.body() = "not found: try /metrics, /healthz or /readyz\n";
    }
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
  std::vector<std::shared_ptr<prometheus::Collectable>> sources_;
  const std::atomic<bool>* ready_;
};

}  // namespace

OpsHttpServer::OpsHttpServer(asio::io_context& io, std::shared_ptr<prometheus::Registry> registry)
    : io_(io), acceptor_(io), registry_(std::move(registry)) {}

absl::Status OpsHttpServer::Start(const std::string& host, uint16_t port) {
  std::string where = absl::StrCat(host, ":", port);
  boost::system::error_code ec;
  tcp::resolver resolver(acceptor_.get_executor());
  auto results = resolver.resolve(host.empty() ? "0.0.0.0" : host, std::to_string(port), ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve the HTTP listener ", where, ": ", ec.message()));
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for HTTP on ", where, ": ", ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return absl::OkStatus();
}

void OpsHttpServer::Accept() {
  acceptor_.async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Out of descriptors, say: the connection stays queued, so retry after a pause
      // instead of spinning.
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open()) Accept();
      });
      return;
    }
    std::vector<std::shared_ptr<prometheus::Collectable>> sources = {registry_};
    sources.insert(sources.end(), collectables_.begin(), collectables_.end());
    std::make_shared<HttpSession>(std::move(socket), std::move(sources), &ready_)->Start();
    Accept();
  });
}

void OpsHttpServer::Stop() {
  ready_.store(false);
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
}

}  // namespace sluice
