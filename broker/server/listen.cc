#include "broker/server/listen.h"

#include "absl/strings/str_cat.h"

namespace sluice::server {

using boost::asio::ip::tcp;

absl::Status Listen(tcp::acceptor& acceptor, const HostPort& address, const char* what) {
  boost::system::error_code ec;
  tcp::resolver resolver(acceptor.get_executor());
  auto results = resolver.resolve(address.host.empty() ? "0.0.0.0" : address.host,
                                  std::to_string(address.port), ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot resolve the ", what, " listener ",
                                                   address.ToString(), ": ", ec.message()));
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for ", what, " on ", address.ToString(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace sluice::server
