#include "broker/server/dispatcher.h"

#include <cassert>
#include <chrono>

#include "broker/server/handlers/api_versions.h"

namespace sluice::server {

void Dispatcher::Register(std::unique_ptr<ApiHandler> handler) {
  auto key = static_cast<size_t>(handler->api_key());
  assert(key < kMaxApiKey && !handlers_[key]);
  handlers_[key] = std::move(handler);
}

const ApiHandler* Dispatcher::Find(int16_t api_key) const {
  if (api_key < 0 || static_cast<size_t>(api_key) >= kMaxApiKey) return nullptr;
  return handlers_[api_key].get();
}

std::vector<const ApiHandler*> Dispatcher::Handlers() const {
  std::vector<const ApiHandler*> out;
  for (const auto& h : handlers_) {
    if (h) out.push_back(h.get());
  }
  return out;
}

void Dispatcher::Dispatch(const RequestContext& ctx, std::string_view body, Responder respond) {
  const ApiHandler* found = Find(ctx.api_key);
  if (found == nullptr) {
    SLUICE_LOG(kWarn) << "closing connection " << ctx.peer << " (client " << ctx.client_id
                      << "): unknown api key " << ctx.api_key;
    respond(Response::Close());
    return;
  }
  if (ctx.api_version < found->min_version() || ctx.api_version > found->max_version()) {
    if (ctx.api_key == handlers::ApiVersionsHandler::kKey) {
      respond(Response::Body(handlers::ApiVersionsHandler::UnsupportedVersionBody(*this)));
      return;
    }
    SLUICE_LOG(kWarn) << "closing connection " << ctx.peer << " (client " << ctx.client_id
                      << "): api key " << ctx.api_key << " version " << ctx.api_version
                      << " is not supported (supported " << found->min_version() << "-"
                      << found->max_version() << ")";
    respond(Response::Close());
    return;
  }
  auto* handler = handlers_[ctx.api_key].get();
  if (probe_ == nullptr) {
    handler->Handle(ctx, body, std::move(respond));
    return;
  }
  auto start = std::chrono::steady_clock::now();
  ServerProbe* probe = probe_;
  int16_t key = ctx.api_key;
  handler->Handle(ctx, body, [probe, key, start, respond = std::move(respond)](Response r) {
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    probe->RequestDone(key, elapsed.count());
    respond(std::move(r));
  });
}

}  // namespace sluice::server
