#include "broker/server/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/byte_order.h"
#include "common/kafka/protocol/messages/api_keys.h"
#include "common/kafka/protocol/messages/headers.h"
#include "common/log.h"

namespace sluice::server {

namespace asio = boost::asio;

namespace {
// Bytes read per step into the input buffer; bounds what a peer that claims a large frame
// but sends little can make us allocate.
constexpr size_t kReadChunk = 64 * 1024;
// api_key + api_version + correlation_id + client_id length.
constexpr size_t kMinHeaderBytes = 10;
// sendfile(2) calls per turn on the strand before yielding to other work, and bytes per
// call: bounds the time one large slice holds the strand when the socket keeps up.
constexpr int kSendfileCallsPerTurn = 16;
constexpr int64_t kSendfileChunk = 1 << 20;
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, uint64_t id, Dispatcher& dispatcher,
                       ServerProbe* probe, ConnectionLimits limits)
    : socket_(std::move(socket)),
      strand_(asio::make_strand(socket_.get_executor())),
      id_(id),
      dispatcher_(dispatcher),
      probe_(probe),
      limits_(limits) {
  boost::system::error_code ec;
  auto endpoint = socket_.remote_endpoint(ec);
  peer_ = ec ? "?" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (probe_) probe_->ConnectionOpened();
}

Connection::~Connection() {
  if (probe_) probe_->ConnectionClosed();
}

void Connection::Start() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->ReadMore(); });
}

void Connection::Close() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseNow(); });
}

void Connection::CloseNow() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::ReadMore() {
  if (!DispatchBuffered()) return;
  // Only the start of an incomplete frame is left: move it to the front.
  const size_t have = in_.size() - in_start_;
  if (in_start_ > 0) {
    if (have > 0) std::memmove(in_.data(), in_.data() + in_start_, have);
    in_.ResizeUninitialized(have);
    in_start_ = 0;
  }
  // Small frames: read up to a chunk, so that one recv brings a frame's size, its body and
  // whatever follows. A frame larger than a chunk is read up to its end and no further (what
  // followed would have to be moved), the buffer at most doubling per read: a peer claiming
  // a huge size costs only what it sends, and a 1 MiB frame takes 5 reads.
  size_t step = kReadChunk - std::min(have, kReadChunk);
  if (have >= 4) {
    const size_t frame = 4 + static_cast<size_t>(LoadBigEndian<int32_t>(in_.data()));
    if (frame > kReadChunk) step = std::min(std::max(kReadChunk, have), frame - have);
  }
  in_.ResizeUninitialized(have + step);
  socket_.async_read_some(asio::buffer(in_.data() + have, step),
                          asio::bind_executor(strand_, [self = shared_from_this(), have](
                                                           boost::system::error_code ec, size_t n) {
                            if (ec) return self->CloseNow();
                            self->in_.ResizeUninitialized(have + n);
                            if (self->probe_) self->probe_->BytesReceived(n);
                            self->ReadMore();
                          }));
}

bool Connection::DispatchBuffered() {
  while (!closed_) {
    if (slots_.size() >= static_cast<size_t>(limits_.max_inflight)) {
      reading_paused_ = true;  // resumed by WriteReady once responses drain
      return false;
    }
    const size_t have = in_.size() - in_start_;
    if (have < 4) return true;
    const int32_t size = LoadBigEndian<int32_t>(in_.data() + in_start_);
    if (size < static_cast<int32_t>(kMinHeaderBytes) || size > limits_.max_request_bytes) {
      SLUICE_LOG(kWarn) << "closing connection " << peer_ << ": request size " << size
                        << " outside [" << kMinHeaderBytes << ", " << limits_.max_request_bytes
                        << "]";
      if (probe_) probe_->ProtocolError();
      CloseNow();
      return false;
    }
    if (have - 4 < static_cast<size_t>(size)) return true;
    std::string_view frame(in_.data() + in_start_ + 4, static_cast<size_t>(size));
    in_start_ += 4 + static_cast<size_t>(size);
    OnFrame(frame);
  }
  return false;
}

void Connection::OnFrame(std::string_view frame) {
  RequestContext ctx;
  ctx.api_key = LoadBigEndian<int16_t>(frame.data());
  ctx.api_version = LoadBigEndian<int16_t>(frame.data() + 2);
  ctx.connection_id = id_;
  ctx.peer = peer_;

  kafka::Reader reader(frame);
  kafka::RequestHeader header;
  int16_t header_version = kafka::RequestHeaderVersion(ctx.api_key, ctx.api_version);
  // An unknown API key still gets its header read (v1), so that the dispatcher's refusal
  // can name the client.
  if (header_version < 0) header_version = 1;
  absl::Status status = header.Decode(reader, header_version);
  if (!status.ok()) {
    SLUICE_LOG(kWarn) << "closing connection " << peer_
                      << ": bad request header: " << status.message();
    if (probe_) probe_->ProtocolError();
    return CloseNow();
  }
  ctx.correlation_id = header.correlation_id;
  ctx.client_id = header.client_id.value_or("");

  uint64_t seq = next_seq_++;
  Slot slot;
  slot.correlation_id = ctx.correlation_id;
  slot.response_header_version = kafka::ResponseHeaderVersion(ctx.api_key, ctx.api_version);
  slots_.push_back(std::move(slot));

  std::string_view body(frame.data() + (frame.size() - reader.remaining()), reader.remaining());
  dispatcher_.Dispatch(ctx, body, [self = shared_from_this(), seq](Response response) {
    asio::dispatch(self->strand_, [self, seq, response = std::move(response)]() mutable {
      self->Complete(seq, std::move(response));
    });
  });
}

void Connection::Complete(uint64_t seq, Response response) {
  if (closed_ || seq < first_seq_) return;
  Slot& slot = slots_[seq - first_seq_];
  slot.response = std::move(response);
  slot.ready = true;
  WriteReady();
}

void Connection::WriteReady() {
  while (!writing_ && !closed_ && !slots_.empty() && slots_.front().ready) {
    Slot& front = slots_.front();
    if (front.response.kind == Response::Kind::kClose) {
      if (probe_) probe_->ProtocolError();
      return CloseNow();
    }
    if (front.response.kind == Response::Kind::kNone) {
      slots_.pop_front();
      ++first_seq_;
      continue;
    }
    kafka::Writer header;
    header.WriteInt32(0);  // size, patched below
    kafka::ResponseHeader rh;
    rh.correlation_id = front.correlation_id;
    rh.Encode(header, front.response_header_version);
    write_header_ = header.Take();
    write_body_ = std::move(front.response.body);
    write_slices_ = std::move(front.response.slices);
    size_t slice_bytes = 0;
    for (const kafka::BodySlice& s : write_slices_) slice_bytes += s.slice.length;
    StoreBigEndian<int32_t>(
        write_header_.data(),
        static_cast<int32_t>(write_header_.size() - 4 + write_body_.size() + slice_bytes));
    slots_.pop_front();
    ++first_seq_;
    writing_ = true;
    if (!write_slices_.empty()) {
      // The body of a sliced response is small (the records are in the slices), so the
      // header is simply put in front of it.
      for (kafka::BodySlice& s : write_slices_) s.position += write_header_.size();
      write_body_.insert(0, write_header_);
      slice_index_ = 0;
      body_sent_ = 0;
      slice_sent_ = 0;
      SetCork(true);
      WritePieces();  // continues asynchronously: the header always comes first
      break;
    }
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(write_header_),
                                                 asio::buffer(write_body_)};
    asio::async_write(socket_, buffers,
                      asio::bind_executor(strand_, [self = shared_from_this()](
                                                       boost::system::error_code ec, size_t n) {
                        self->writing_ = false;
                        if (ec) return self->CloseNow();
                        if (self->probe_) self->probe_->BytesSent(n);
                        self->WriteReady();
                      }));
  }
  if (reading_paused_ && !closed_ && slots_.size() < static_cast<size_t>(limits_.max_inflight)) {
    reading_paused_ = false;
    ReadMore();
  }
}

void Connection::WritePieces() {
  if (closed_) return;
  const size_t end = slice_index_ < write_slices_.size() ? write_slices_[slice_index_].position
                                                         : write_body_.size();
  if (body_sent_ < end) {
    asio::async_write(socket_, asio::buffer(write_body_.data() + body_sent_, end - body_sent_),
                      asio::bind_executor(strand_, [self = shared_from_this(), end](
                                                       boost::system::error_code ec, size_t n) {
                        if (ec) return self->FinishWrite(false);
                        if (self->probe_) self->probe_->BytesSent(n);
                        self->body_sent_ = end;
                        self->WritePieces();
                      }));
    return;
  }
  if (slice_index_ < write_slices_.size()) return SendSlice();
  FinishWrite(true);
}

void Connection::SendSlice() {
  if (closed_) return;
  if (!non_blocking_) {
    boost::system::error_code ec;
    socket_.native_non_blocking(true, ec);
    if (ec) {
      SLUICE_LOG(kWarn) << "closing connection " << peer_
                        << ": cannot make the socket non-blocking: " << ec.message();
      return FinishWrite(false);
    }
    non_blocking_ = true;
  }
  const FileSlice& slice = write_slices_[slice_index_].slice;
  for (int calls = 0; calls < kSendfileCallsPerTurn && slice_sent_ < slice.length; ++calls) {
    off_t offset = static_cast<off_t>(slice.offset + slice_sent_);
    const auto count = static_cast<size_t>(std::min(kSendfileChunk, slice.length - slice_sent_));
    const ssize_t n = ::sendfile(socket_.native_handle(), slice.fd, &offset, count);
    if (n > 0) {
      slice_sent_ += n;
      if (probe_) probe_->BytesSent(static_cast<size_t>(n));
      continue;
    }
    const int err = n < 0 ? errno : 0;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      socket_.async_wait(
          asio::ip::tcp::socket::wait_write,
          asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec) {
            if (ec) return self->FinishWrite(false);
            self->SendSlice();
          }));
      return;
    }
    if (n == 0) {
      // The file ends before the slice does: it was truncated after the read. The frame
      // length is already on the wire, so the only safe answer is to cut the connection.
      SLUICE_LOG(kWarn) << "closing connection " << peer_ << ": file ended "
                        << slice.length - slice_sent_
                        << " bytes before the end of a fetch slice (truncated under the response)";
    } else if (err != EPIPE && err != ECONNRESET) {
      SLUICE_LOG(kWarn) << "closing connection " << peer_ << ": sendfile: " << std::strerror(err);
    }
    return FinishWrite(false);
  }
  if (slice_sent_ < slice.length) {
    // Let other connections on this thread run before the next chunk.
    asio::post(strand_, [self = shared_from_this()] { self->SendSlice(); });
    return;
  }
  slice_sent_ = 0;
  ++slice_index_;
  WritePieces();
}

void Connection::FinishWrite(bool ok) {
  write_slices_.clear();  // releases the files
  write_body_.clear();
  writing_ = false;
  if (!ok) return CloseNow();
  SetCork(false);
  WriteReady();
}

void Connection::SetCork(bool on) {
  int value = on ? 1 : 0;
  // Best effort: without the cork the bytes are the same, only in more segments.
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_CORK, &value, sizeof(value));
}

}  // namespace sluice::server
