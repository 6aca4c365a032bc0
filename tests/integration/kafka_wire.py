"""Just enough of the Kafka wire format to send hand-made (and malformed) requests.

Used only where no real client can produce the bytes a test needs (bad input, raw ApiVersions).
Big-endian throughout; see shared/reference/protocol.md section 1 for header versions.
"""

from __future__ import annotations

import socket
import struct
import time

API_VERSIONS = 18
UNSUPPORTED_VERSION = 35


def request_header(api_key: int, api_version: int, correlation_id: int, client_id: str | None,
                   flexible: bool) -> bytes:
    """Request header v1 (or v2 when flexible: v1 plus an empty tagged-field block)."""
    cid = b"\xff\xff" if client_id is None else struct.pack(">h", len(client_id)) + client_id.encode()
    head = struct.pack(">hhi", api_key, api_version, correlation_id) + cid
    return head + (b"\x00" if flexible else b"")


def frame(payload: bytes) -> bytes:
    return struct.pack(">i", len(payload)) + payload


def api_versions_request(version: int, correlation_id: int) -> bytes:
    """A framed ApiVersions request. v3+ is flexible and carries client software name/version."""
    flexible = version >= 3
    body = b""
    if flexible:
        body = _compact_string("sluice-it") + _compact_string("1.0") + b"\x00"
    return frame(request_header(API_VERSIONS, version, correlation_id, "sluice-it", flexible) + body)


def _compact_string(s: str) -> bytes:
    data = s.encode()
    return _uvarint(len(data) + 1) + data


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def connect(bootstrap: str, timeout: float = 10.0) -> socket.socket:
    host, port = bootstrap.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=timeout)
    s.settimeout(timeout)
    return s


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def recv_frame(sock: socket.socket) -> bytes:
    (size,) = struct.unpack(">i", recv_exact(sock, 4))
    if size < 0 or size > 64 << 20:
        raise ValueError(f"implausible response size {size}")
    return recv_exact(sock, size)


def parse_api_versions_v0(payload: bytes) -> tuple[int, int, dict[int, tuple[int, int]]]:
    """Response header v0 + ApiVersions body v0: (correlation_id, error_code, {key: (min, max)})."""
    corr, err, n = struct.unpack_from(">ihi", payload, 0)
    pos = 10
    if n < 0 or pos + 6 * n > len(payload):
        raise ValueError(f"bad api_keys array length {n} for {len(payload)}-byte response")
    keys = {}
    for _ in range(n):
        key, lo, hi = struct.unpack_from(">hhh", payload, pos)
        pos += 6
        keys[key] = (lo, hi)
    return corr, err, keys


def closed_by_peer(sock: socket.socket, timeout: float) -> bool:
    """True once the peer closes (EOF or reset) within timeout; bytes that arrive are skipped.

    False if the connection is still open when timeout runs out.
    """
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            if not sock.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except (socket.timeout, TimeoutError):
            return False


def answer_or_close(sock: socket.socket, correlation_id: int, timeout: float) -> str:
    """Waits for either a response frame with this correlation id ('answered') or for the peer to
    close ('closed'). Anything else ('silent', 'bad-response: ...') is a failure for the caller."""
    sock.settimeout(timeout)
    try:
        head = sock.recv(4, socket.MSG_WAITALL)
    except (ConnectionResetError, BrokenPipeError):
        return "closed"
    except (socket.timeout, TimeoutError):
        return "silent"
    if not head:
        return "closed"
    if len(head) < 4:
        return "closed"
    (size,) = struct.unpack(">i", head)
    if size < 4 or size > 64 << 20:
        return f"bad-response: size {size}"
    try:
        payload = recv_exact(sock, size)
    except (ConnectionError, OSError):
        return "closed"
    (corr,) = struct.unpack_from(">i", payload, 0)
    return "answered" if corr == correlation_id else f"bad-response: correlation id {corr}"
