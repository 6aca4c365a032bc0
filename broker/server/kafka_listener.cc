#include "broker/server/kafka_listener.h"

#include <utility>

#include "broker/server/listen.h"
#include "common/log.h"
#include "common/status.h"

namespace sluice::server {

namespace asio = boost::asio;
using asio::ip::tcp;

KafkaListener::KafkaListener(asio::io_context& io, Dispatcher& dispatcher, ServerProbe* probe,
                             ConnectionLimits limits)
    : io_(io),
      acceptor_(io),
      retry_timer_(io),
      dispatcher_(dispatcher),
      probe_(probe),
      limits_(limits) {}

absl::Status KafkaListener::Start(const HostPort& address) {
  SLUICE_RETURN_IF_ERROR(Listen(acceptor_, address, "Kafka"));
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return absl::OkStatus();
}

void KafkaListener::Accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
                           if (ec) {
                             // Out of file descriptors and the like: the pending connection stays
                             // queued, so an immediate retry would spin. Keep serving existing
                             // connections and retry shortly.
                             if (!accept_failing_) {
                               SLUICE_LOG(kWarn) << "accept failed, retrying: " << ec.message();
                             }
                             accept_failing_ = true;
                             retry_timer_.expires_after(kAcceptRetry);
                             retry_timer_.async_wait([this](boost::system::error_code wait_ec) {
                               if (!wait_ec && acceptor_.is_open()) Accept();
                             });
                             return;
                           }
                           if (std::exchange(accept_failing_, false)) {
                             SLUICE_LOG(kInfo) << "accepting connections again";
                           }
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
                           Accept();
                         });
}

void KafkaListener::Stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, weak] : connections_) {
    if (auto conn = weak.lock()) conn->Close();
  }
  connections_.clear();
}

}  // namespace sluice::server
