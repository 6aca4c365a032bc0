// File: broker/server/api_handler.h
// The interface every Kafka API handler implements, and typed adapters so that a
// handler works on generated request/response structs and never touches wire bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "broker/server/request.h"
#include "common/kafka/protocol/reader.h"
#include "common/kafka/protocol/writer.h"
#include "common/log.h"

namespace sluice::server {

class ApiHandler {
 public:
  virtual ~ApiHandler() = default;
  virtual int16_t api_key() const = 0;
  // Versions this handler serves.
  virtual int16_t min_version() const = 0;
  virtual int16_t max_version() const = 0;
  // Lowest version announced in ApiVersions; may be below min_version() where clients
  // need to see an old version listed (Produce v0 for librdkafka, see protocol.md).
  virtual int16_t advertised_min_version() const { return min_version(); }

  // Serves one request. `body` is the request body after the header and is valid only
  // during this call. It lies in the connection's frame buffer, which the handler may also
  // modify during the call (the produce path stamps record batches in place there).
  // `respond` must be called exactly once, possibly later and from another thread.
  // REQUIRES: min_version() <= ctx.api_version <= max_version().
  virtual void Handle(const RequestContext& ctx, std::string_view body, Responder respond) = 0;
};

// Decodes Req, hands it to Serve, encodes the Resp it produces. A body that does not
// decode closes the connection, as Kafka does for a malformed request.
template <typename Req, typename Resp>
class TypedHandler : public ApiHandler {
 public:
  using Done = std::function<void(Resp)>;

  int16_t api_key() const override { return Req::kApiKey; }
  int16_t min_version() const override { return Req::kMinVersion; }
  int16_t max_version() const override { return Req::kMaxVersion; }

  void Handle(const RequestContext& ctx, std::string_view body, Responder respond) final {
    kafka::Reader reader(body);
    Req request;
    if (absl::Status status = request.Decode(reader, ctx.api_version); !status.ok()) {
      SLUICE_LOG(kWarn) << "closing connection " << ctx.peer << " (client " << ctx.client_id
                        << "): malformed request api_key=" << ctx.api_key
                        << " version=" << ctx.api_version << ": " << status.message();
      respond(Response::Close());
      return;
    }
    int16_t version = ctx.api_version;
    bool silent = Silent(request);
    Serve(ctx, std::move(request),
          [this, version, silent, respond = std::move(respond)](Resp response) {
            if (silent) {
              respond(CloseSilently(response) ? Response::Close() : Response::None());
              return;
            }
            kafka::Writer writer;
            response.Encode(writer, version);
            std::vector<kafka::BodySlice> slices = writer.TakeSlices();
            respond(Response::Body(writer.Take(), std::move(slices)));
          });
  }

 protected:
  // True for requests that get no response (Produce with acks=0).
  virtual bool Silent(const Req&) const { return false; }
  // For a silent request: true to close the connection instead, which is how Kafka
  // tells an acks=0 producer that something failed.
  virtual bool CloseSilently(const Resp&) const { return false; }

  // Calls `done` exactly once with the response (from any thread).
  virtual void Serve(const RequestContext& ctx, Req request, Done done) = 0;
};

// For handlers that answer at once.
template <typename Req, typename Resp>
class SyncHandler : public TypedHandler<Req, Resp> {
 protected:
  virtual Resp ServeNow(const RequestContext& ctx, const Req& request) = 0;

 private:
  void Serve(const RequestContext& ctx, Req request,
             typename TypedHandler<Req, Resp>::Done done) final {
    done(ServeNow(ctx, request));
  }
};

}  // namespace sluice::server
