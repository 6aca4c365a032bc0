"""Hostile and stale group requests sent byte by byte, and the error codes Kafka gives them:
absurd session timeouts, huge and unknown protocols, stale generations, fenced static members,
oversized commit metadata. After all of it the coordinator still serves a real consumer group.

The requests are encoded here by hand (non-flexible versions, request header v1), because no
client sends them; each is the version a real client would use.
"""

from __future__ import annotations

import struct

import pytest

import harness
import kafka_wire as kw

JOIN_GROUP, HEARTBEAT, SYNC_GROUP, OFFSET_COMMIT, OFFSET_FETCH, DELETE_TOPICS = 11, 12, 14, 8, 9, 20

NONE, UNKNOWN_SERVER_ERROR, OFFSET_METADATA_TOO_LARGE = 0, -1, 12
ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL, INVALID_GROUP_ID = 22, 23, 24
UNKNOWN_MEMBER_ID, INVALID_SESSION_TIMEOUT, MEMBER_ID_REQUIRED, FENCED_INSTANCE_ID = 25, 26, 79, 82


def s16(v: int) -> bytes:
    return struct.pack(">h", v)


def s32(v: int) -> bytes:
    return struct.pack(">i", v)


def string(v: str | None) -> bytes:
    if v is None:
        return s16(-1)
    data = v.encode()
    return s16(len(data)) + data


def blob(v: bytes) -> bytes:
    return s32(len(v)) + v


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        (v,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v

    def string(self) -> str | None:
        n = self.take(">h")
        if n < 0:
            return None
        v = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return v

    def blob(self) -> bytes:
        n = self.take(">i")
        v = self.data[self.pos:self.pos + max(n, 0)]
        self.pos += max(n, 0)
        return v


class Conn:
    def __init__(self, bootstrap: str):
        self.sock = kw.connect(bootstrap, timeout=30)
        self.correlation = 0

    def call(self, api_key: int, version: int, body: bytes) -> Reader:
        self.correlation += 1
        self.sock.sendall(kw.frame(kw.request_header(api_key, version, self.correlation,
                                                     "sluice-it", flexible=False) + body))
        r = Reader(kw.recv_frame(self.sock))
        assert r.take(">i") == self.correlation
        return r

    def join(self, group: str, member: str = "", session_ms: int = 10000,
             instance: str | None = None, protocol_type: str = "consumer",
             protocols=(("range", b"\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff"),)) -> dict:
        body = (string(group) + s32(session_ms) + s32(30000) + string(member) + string(instance) +
                string(protocol_type) + s32(len(protocols)) +
                b"".join(string(n) + blob(m) for n, m in protocols))
        r = self.call(JOIN_GROUP, 5, body)
        out = {"throttle": r.take(">i"), "error": r.take(">h"), "generation": r.take(">i"),
               "protocol": r.string(), "leader": r.string(), "member_id": r.string()}
        out["members"] = [(r.string(), r.string(), r.blob()) for _ in range(r.take(">i"))]
        return out

    def sync(self, group: str, generation: int, member: str, assignments=(),
             instance: str | None = None) -> tuple[int, bytes]:
        body = (string(group) + s32(generation) + string(member) + string(instance) +
                s32(len(assignments)) + b"".join(string(m) + blob(a) for m, a in assignments))
        r = self.call(SYNC_GROUP, 3, body)
        r.take(">i")
        return r.take(">h"), r.blob()

    def heartbeat(self, group: str, generation: int, member: str,
                  instance: str | None = None) -> int:
        r = self.call(HEARTBEAT, 3, string(group) + s32(generation) + string(member) +
                      string(instance))
        r.take(">i")
        return r.take(">h")

    def commit(self, group: str, generation: int, member: str, topic: str,
               entries: list[tuple[int, int, str | None]]) -> list[int]:
        body = (string(group) + s32(generation) + string(member) + string(None) + s32(1) +
                string(topic) + s32(len(entries)) +
                b"".join(s32(p) + struct.pack(">q", o) + s32(-1) + string(m) for p, o, m in entries))
        r = self.call(OFFSET_COMMIT, 7, body)
        r.take(">i")
        errors = []
        for _ in range(r.take(">i")):
            r.string()
            for _ in range(r.take(">i")):
                r.take(">i")
                errors.append(r.take(">h"))
        return errors

    def fetch(self, group: str, topic: str, partitions: list[int]) -> dict[int, tuple[int, str]]:
        body = string(group) + s32(1) + string(topic) + s32(len(partitions)) + \
            b"".join(s32(p) for p in partitions)
        r = self.call(OFFSET_FETCH, 5, body)
        r.take(">i")
        out = {}
        for _ in range(r.take(">i")):
            r.string()
            for _ in range(r.take(">i")):
                p, off, _epoch = r.take(">i"), r.take(">q"), r.take(">i")
                meta, err = r.string(), r.take(">h")
                out[p] = (off, meta, err)
        assert r.take(">h") == NONE
        return out

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def conn(broker):
    c = Conn(broker.bootstrap)
    yield c
    c.close()


def joined_member(conn: Conn, group: str, **kw_args) -> dict:
    """JoinGroup v5 twice (MEMBER_ID_REQUIRED, then with the id) for a lone member."""
    first = conn.join(group, **kw_args)
    if first["error"] == MEMBER_ID_REQUIRED:
        return conn.join(group, member=first["member_id"], **kw_args)
    return first


def test_absurd_session_timeouts_and_bad_group_ids_are_refused(conn):
    for session in (-1, 0, 5999, 1800001, 2**31 - 1):
        assert conn.join("bad-timeouts", session_ms=session)["error"] == INVALID_SESSION_TIMEOUT
    assert conn.join("")["error"] == INVALID_GROUP_ID
    assert conn.heartbeat("", 1, "m") == INVALID_GROUP_ID


def test_first_join_from_v4_needs_a_member_id_named_after_the_client(conn):
    first = conn.join("needs-id")
    assert first["error"] == MEMBER_ID_REQUIRED
    assert first["member_id"].startswith("sluice-it-") and len(first["member_id"]) == 10 + 36
    second = conn.join("needs-id", member=first["member_id"])  # Waits out the initial delay.
    assert second["error"] == NONE and second["generation"] == 1
    assert second["leader"] == first["member_id"]


def test_unknown_or_empty_protocols_are_inconsistent(conn):
    member = joined_member(conn, "protocols")
    assert member["generation"] == 1
    assert conn.join("protocols", protocols=(("no-such-assignor", b"x"),))["error"] == \
        INCONSISTENT_GROUP_PROTOCOL
    assert conn.join("protocols", protocol_type="connect")["error"] == INCONSISTENT_GROUP_PROTOCOL
    assert conn.join("fresh-group", protocols=())["error"] == INCONSISTENT_GROUP_PROTOCOL
    assert conn.join("fresh-group", protocol_type="")["error"] == INCONSISTENT_GROUP_PROTOCOL


def test_huge_member_metadata_passes_through_but_cannot_be_stored(conn):
    huge = b"\x00\x00" + b"m" * (2 << 20)
    member = joined_member(conn, "huge", protocols=(("range", huge),))
    assert member["error"] == NONE
    assert member["members"][0][2] == huge, "the leader gets the bytes verbatim"
    # Kafka cannot write such a group record either: SyncGroup fails as UNKNOWN_SERVER_ERROR.
    error, _ = conn.sync("huge", member["generation"], member["member_id"],
                         [(member["member_id"], b"a")])
    assert error == UNKNOWN_SERVER_ERROR


def test_stale_generations_and_unknown_members_get_kafkas_errors(conn, broker, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 1)
    m = joined_member(conn, "stale")
    gen, mid = m["generation"], m["member_id"]
    assert conn.sync("stale", gen, mid, [(mid, b"assignment")]) == (NONE, b"assignment")
    assert conn.heartbeat("stale", gen, mid) == NONE
    assert conn.heartbeat("stale", gen - 1, mid) == ILLEGAL_GENERATION
    assert conn.heartbeat("stale", gen, "stranger") == UNKNOWN_MEMBER_ID
    assert conn.heartbeat("no-such-group", 1, mid) == UNKNOWN_MEMBER_ID
    assert conn.sync("stale", gen + 1, mid)[0] == ILLEGAL_GENERATION
    assert conn.commit("stale", gen - 1, mid, topic_name, [(0, 5, None)]) == [ILLEGAL_GENERATION]
    assert conn.commit("stale", gen, "stranger", topic_name, [(0, 5, None)]) == [UNKNOWN_MEMBER_ID]
    assert conn.commit("no-such-group", 3, mid, topic_name, [(0, 5, None)]) == [ILLEGAL_GENERATION]
    assert conn.commit("stale", gen, mid, topic_name, [(0, 5, "ok")]) == [NONE]
    assert conn.fetch("stale", topic_name, [0]) == {0: (5, "ok", NONE)}


def test_static_member_replaced_by_its_instance_is_fenced(conn):
    first = joined_member(conn, "static", instance="instance-1")
    assert first["error"] == NONE and first["member_id"].startswith("instance-1-")
    assert conn.sync("static", first["generation"], first["member_id"],
                     [(first["member_id"], b"A")], instance="instance-1") == (NONE, b"A")
    # The same instance joins again without its member id: it takes over, no rebalance.
    second = conn.join("static", instance="instance-1")
    assert second["error"] == NONE and second["generation"] == first["generation"]
    assert second["member_id"] != first["member_id"]
    assert conn.heartbeat("static", first["generation"], first["member_id"], "instance-1") == \
        FENCED_INSTANCE_ID
    assert conn.heartbeat("static", second["generation"], second["member_id"], "instance-1") == NONE
    assert conn.join("static", member=first["member_id"], instance="instance-1")["error"] == \
        FENCED_INSTANCE_ID


def test_commit_metadata_is_bounded_and_round_trips(conn, broker, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 3)
    at_limit, over = "x" * 4096, "y" * 4097
    errors = conn.commit("meta", -1, "", topic_name, [(0, 10, at_limit), (1, 11, over),
                                                      (2, 12, None), (7, 1, "")])
    assert errors == [NONE, OFFSET_METADATA_TOO_LARGE, NONE, 3]  # 3: no partition 7.
    assert conn.fetch("meta", topic_name, [0, 1, 2]) == {
        0: (10, at_limit, NONE), 1: (-1, "", NONE), 2: (12, "", NONE)}


def test_coordinator_keeps_serving_other_groups_after_bad_input(conn, broker, tmp_path, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 2)
    for session in (-5, 1, 2**31 - 1):
        conn.join("junk", session_ms=session)
    conn.join("junk", protocols=(("a" * 30000, b"\xff" * 100000),))
    conn.heartbeat("junk", 12345, "nobody")
    harness.kcat_produce(broker.bootstrap, topic_name, tmp_path,
                         [(f"k{i}".encode(), b"v") for i in range(50)])
    out = harness.kcat(broker.bootstrap, "-G", "after-junk", topic_name, "-c", "50", "-q",
                       "-X", "auto.offset.reset=earliest", "-f", "%p %o\n", timeout=90).stdout
    assert len(set(out.split(b"\n")) - {b""}) == 50


def test_group_limits_come_from_the_broker_config(broker_factory, topic_name):
    b = broker_factory("--group-min-session-timeout-ms", "20000",
                       "--group-max-session-timeout-ms", "30000",
                       "--offset-metadata-max-bytes", "10")
    c = Conn(b.bootstrap)
    try:
        assert c.join("limits", session_ms=10000)["error"] == INVALID_SESSION_TIMEOUT
        assert c.join("limits", session_ms=30001)["error"] == INVALID_SESSION_TIMEOUT
        assert joined_member(c, "limits", session_ms=25000)["error"] == NONE
        harness.create_topic(b.bootstrap, topic_name, 1)
        assert c.commit("meta", -1, "", topic_name, [(0, 1, "x" * 10)]) == [NONE]
        assert c.commit("meta", -1, "", topic_name, [(0, 2, "x" * 11)]) == [
            OFFSET_METADATA_TOO_LARGE]
    finally:
        c.close()


def test_deleting_a_topic_forgets_its_committed_offsets(conn, broker, topic_name):
    harness.create_topic(broker.bootstrap, topic_name, 1)
    assert conn.commit("forget", -1, "", topic_name, [(0, 42, "m")]) == [NONE]
    assert conn.fetch("forget", topic_name, [0]) == {0: (42, "m", NONE)}
    r = conn.call(DELETE_TOPICS, 1, s32(1) + string(topic_name) + s32(30000))
    r.take(">i")  # throttle
    assert r.take(">i") == 1 and r.string() == topic_name and r.take(">h") == NONE
    harness.create_topic(broker.bootstrap, topic_name, 1)  # Same name, new topic.
    assert conn.fetch("forget", topic_name, [0]) == {0: (-1, "", NONE)}
