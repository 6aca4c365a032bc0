#include "broker/server/kafka_listener.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sluice::server {

namespace asio = boost::asio;
using asio::ip::tcp;

KafkaListener::KafkaListener(asio::io_context& io, Dispatcher& dispatcher, ServerProbe* probe,
                             ConnectionLimits limits)
    : io_(io), acceptor_(io), dispatcher_(dispatcher), probe_(probe), limits_(limits) {}

absl::Status KafkaListener::Start(const HostPort& address) {
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto results = resolver.resolve(address.host.empty() ? "0.0.0.0" : address.host,
                                  std::to_string(address.port), ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve listener ", address.ToString(), ": ", ec.message()));
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address.ToString(), ": ", ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return absl::OkStatus();
}

void KafkaListener::Accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
                           if (ec) {
                             // Out of file descriptors and the like: keep serving existing
                             // connections.
                             SLUICE_LOG(kWarn) << "accept failed: " << ec.message();
                           } else {
                             auto conn = std::make_shared<Connection>(std::move(socket), next_id_++,
                                                                      dispatcher_, probe_, limits_);
                             {
                               std::lock_guard<std::mutex> lock(mu_);
                               // Forget connections that have gone away, so the map stays small.
                               for (auto it = connections_.begin(); it != connections_.end();) {
                                 it = it->second.expired() ? connections_.erase(it) : std::next(it);
                               }
                               connections_[conn->id()] = conn;
                             }
                             conn->Start();
                           }
                           Accept();
                         });
}

void KafkaListener::Stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, weak] : connections_) {
    if (auto conn = weak.lock()) conn->Close();
  }
  connections_.clear();
}

}  // namespace sluice::server
