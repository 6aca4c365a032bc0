/*
 * rdkafka_roundtrip: produce N keyed records with librdkafka (acks=all, idempotence on), then
 * read them back partition by partition (no consumer group) and check that every record is
 * there exactly once, at the offset its delivery report gave, in send order per partition, with
 * its key, value and headers byte-exact.
 *
 *   rdkafka_roundtrip BOOTSTRAP TOPIC COUNT PARTITIONS [CODEC] [TIMEOUT_S]
 *
 * CODEC is a librdkafka compression.codec (none, gzip, snappy, lz4, zstd); default none.
 * Creates the topic with PARTITIONS partitions (an existing topic is fine).
 * Prints one summary line "rdkafka_roundtrip PASS ..." or "rdkafka_roundtrip FAIL: ...".
 * Exit status: 0 pass, 1 check failed, 2 usage or client set-up error.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { kMaxValue = 1500 };

typedef struct {
  int32_t partition; /* -1 until delivered */
  int64_t offset;
  int seen; /* times consumed */
} Slot;

static Slot *slots;
static long count;
static long delivered, delivery_failed;
static char first_delivery_error[512];

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int Fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("rdkafka_roundtrip FAIL: ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  fflush(stdout);
  return 1;
}

/* Deterministic record content, a function of the index only. */
static void MakeKey(long i, char *buf, size_t cap, size_t *len) {
  *len = (size_t)snprintf(buf, cap, "key-%08ld", i);
}

static size_t MakeValue(long i, unsigned char *buf) {
  uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull + 1;
  size_t len = (size_t)(i * 37 % kMaxValue);
  for (size_t k = 0; k < len; k++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    /* Every fourth record is compressible text, the rest raw binary (NULs included). */
    buf[k] = (i % 4 == 0) ? (unsigned char)('a' + k % 7) : (unsigned char)(x >> 24);
  }
  return len;
}

static void EncodeIndex(long i, unsigned char out[8]) {
  for (int b = 7; b >= 0; b--) {
    out[b] = (unsigned char)(i & 0xff);
    i >>= 8;
  }
}

static long DecodeIndex(const unsigned char *p) {
  long v = 0;
  for (int b = 0; b < 8; b++) v = (v << 8) | p[b];
  return v;
}

static void OnDelivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  long i = (long)(intptr_t)m->_private;
  if (m->err) {
    if (delivery_failed++ == 0)
      snprintf(first_delivery_error, sizeof first_delivery_error, "record %ld: %s", i,
               rd_kafka_err2str(m->err));
    return;
  }
  delivered++;
  slots[i].partition = m->partition;
  slots[i].offset = m->offset;
}

static int Set(rd_kafka_conf_t *conf, const char *k, const char *v) {
  char err[512];
  if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "config %s=%s: %s\n", k, v, err);
    return 0;
  }
  return 1;
}

static int CreateTopic(rd_kafka_t *rk, const char *topic, int partitions, int timeout_ms) {
  char err[512];
  rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, 1, err, sizeof err);
  if (!nt) {
    fprintf(stderr, "NewTopic: %s\n", err);
    return 0;
  }
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms, err, sizeof err);
  rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_ms + 5000);
  int ok = 0;
  if (!ev) {
    fprintf(stderr, "CreateTopics: no result\n");
  } else if (rd_kafka_event_error(ev)) {
    fprintf(stderr, "CreateTopics: %s\n", rd_kafka_event_error_string(ev));
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t **res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ok = n == 1;
    for (size_t k = 0; k < n; k++) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[k]);
      if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        fprintf(stderr, "CreateTopics %s: %s\n", topic, rd_kafka_err2str(e));
        ok = 0;
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  return ok;
}

static int Produce(const char *bootstrap, const char *topic, int partitions, const char *codec,
                   double deadline) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", bootstrap) || !Set(conf, "acks", "all") ||
      !Set(conf, "enable.idempotence", "true") || !Set(conf, "compression.codec", codec) ||
      !Set(conf, "linger.ms", "5") || !Set(conf, "message.timeout.ms", "60000"))
    return 2;
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "producer: %s\n", err);
    return 2;
  }
  if (!CreateTopic(rk, topic, partitions, 20000)) {
    rd_kafka_destroy(rk);
    return 2;
  }
  static unsigned char value[kMaxValue];
  for (long i = 0; i < count; i++) {
    char key[32];
    size_t klen, vlen = MakeValue(i, value);
    unsigned char idx[8];
    MakeKey(i, key, sizeof key, &klen);
    EncodeIndex(i, idx);
    for (;;) {
      rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, klen), RD_KAFKA_V_VALUE(value, vlen),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADER("idx", idx, 8),
          RD_KAFKA_V_HEADER("bin", "\x00\x01\xfe\xff", 4), RD_KAFKA_V_OPAQUE((void *)(intptr_t)i),
          RD_KAFKA_V_END);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || Now() > deadline) {
        fprintf(stderr, "producev %ld: %s\n", i, rd_kafka_err2str(e));
        rd_kafka_destroy(rk);
        return 1;
      }
      rd_kafka_poll(rk, 50);
    }
    rd_kafka_poll(rk, 0);
  }
  while (rd_kafka_outq_len(rk) > 0 && Now() < deadline) rd_kafka_flush(rk, 200);
  int left = rd_kafka_outq_len(rk);
  rd_kafka_destroy(rk);
  if (left > 0) return Fail("%d records still unacknowledged at the deadline", left);
  if (delivery_failed) return Fail("%ld delivery failures, first: %s", delivery_failed,
                                   first_delivery_error);
  if (delivered != count) return Fail("delivered %ld of %ld", delivered, count);
  return 0;
}

static int Consume(const char *bootstrap, const char *topic, int partitions, double deadline,
                   long *consumed) {
  char err[512];
  if (partitions <= 0) return 2;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  /* No group.id: partitions are assigned by hand and nothing is committed. */
  if (!Set(conf, "bootstrap.servers", bootstrap) || !Set(conf, "enable.partition.eof", "true") ||
      !Set(conf, "enable.auto.commit", "false") || !Set(conf, "check.crcs", "true"))
    return 2;
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "consumer: %s\n", err);
    return 2;
  }
  /* librdkafka 2.0.2 refuses rd_kafka_assign() without a group.id, and a group.id would make it
   * look up a group coordinator. The partition-level ("simple") consumer needs neither. */
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  for (int p = 0; p < partitions; p++) {
    if (rd_kafka_consume_start_queue(rkt, p, RD_KAFKA_OFFSET_BEGINNING, queue) != 0) {
      fprintf(stderr, "consume_start %d: %s\n", p, rd_kafka_err2str(rd_kafka_last_error()));
      rd_kafka_queue_destroy(queue);
      rd_kafka_topic_destroy(rkt);
      rd_kafka_destroy(rk);
      return 2;
    }
  }

  int *eof = calloc((size_t)partitions, sizeof *eof);
  long *last_index = malloc((size_t)partitions * sizeof *last_index);
  int64_t *last_offset = malloc((size_t)partitions * sizeof *last_offset);
  for (int p = 0; p < partitions; p++) last_index[p] = last_offset[p] = -1;
  int eofs = 0, rc = 0;
  static unsigned char want[kMaxValue];
  while (eofs < partitions && rc == 0) {
    if (Now() > deadline) {
      rc = Fail("deadline reached with %d of %d partitions at their end, %ld records read", eofs,
                partitions, *consumed);
      break;
    }
    rd_kafka_message_t *m = rd_kafka_consume_queue(queue, 500);
    if (!m) continue;
    int p = m->partition;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (p >= 0 && p < partitions && !eof[p]) {
        eof[p] = 1;
        eofs++;
      }
    } else if (m->err) {
      rc = Fail("consume error on partition %d: %s", p, rd_kafka_message_errstr(m));
    } else if (p < 0 || p >= partitions) {
      rc = Fail("record from unexpected partition %d", p);
    } else {
      const rd_kafka_headers_t *hdrs = NULL;
      const void *hv = NULL, *bv = NULL;
      size_t hl = 0, bl = 0;
      if (rd_kafka_message_headers(m, (rd_kafka_headers_t **)&hdrs) ||
          rd_kafka_header_get_last(hdrs, "idx", &hv, &hl) || hl != 8 ||
          rd_kafka_header_get_last(hdrs, "bin", &bv, &bl) || bl != 4 ||
          memcmp(bv, "\x00\x01\xfe\xff", 4) != 0) {
        rc = Fail("record at %d/%" PRId64 " lacks the idx/bin headers", p, m->offset);
      } else {
        long i = DecodeIndex(hv);
        char key[32];
        size_t klen, vlen;
        if (i < 0 || i >= count) {
          rc = Fail("record at %d/%" PRId64 " has index %ld outside [0,%ld)", p, m->offset, i, count);
        } else {
          MakeKey(i, key, sizeof key, &klen);
          vlen = MakeValue(i, want);
          if (m->key_len != klen || memcmp(m->key, key, klen) != 0)
            rc = Fail("record %ld: key differs", i);
          else if (m->len != vlen || (vlen && memcmp(m->payload, want, vlen) != 0))
            rc = Fail("record %ld: value differs (%zu bytes read, %zu written)", i, m->len, vlen);
          else if (slots[i].seen++)
            rc = Fail("record %ld read twice (second time at %d/%" PRId64 ")", i, p, m->offset);
          else if (slots[i].partition != p || slots[i].offset != m->offset)
            rc = Fail("record %ld read at %d/%" PRId64 " but acknowledged at %d/%" PRId64, i, p,
                      m->offset, slots[i].partition, slots[i].offset);
          else if (i <= last_index[p] || m->offset <= last_offset[p])
            rc = Fail("partition %d out of order: record %ld at offset %" PRId64
                      " after record %ld at %" PRId64, p, i, m->offset, last_index[p],
                      last_offset[p]);
          else {
            last_index[p] = i;
            last_offset[p] = m->offset;
            (*consumed)++;
          }
        }
      }
    }
    rd_kafka_message_destroy(m);
  }
  free(eof);
  free(last_index);
  free(last_offset);
  for (int p = 0; p < partitions; p++) rd_kafka_consume_stop(rkt, p);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: %s BOOTSTRAP TOPIC COUNT PARTITIONS [CODEC] [TIMEOUT_S]\n", argv[0]);
    return 2;
  }
  const char *bootstrap = argv[1], *topic = argv[2];
  count = atol(argv[3]);
  int partitions = atoi(argv[4]);
  const char *codec = argc > 5 ? argv[5] : "none";
  double timeout = argc > 6 ? atof(argv[6]) : 120;
  if (count <= 0 || partitions <= 0 || timeout <= 0) {
    fprintf(stderr, "COUNT, PARTITIONS and TIMEOUT_S must be positive\n");
    return 2;
  }
  slots = calloc((size_t)count, sizeof *slots);
  for (long i = 0; i < count; i++) slots[i].partition = -1;
  double deadline = Now() + timeout;

  int rc = Produce(bootstrap, topic, partitions, codec, deadline);
  if (rc) return rc;
  long consumed = 0;
  rc = Consume(bootstrap, topic, partitions, deadline, &consumed);
  if (rc) return rc;
  if (consumed != count) return Fail("read %ld records, produced %ld", consumed, count);
  int used = 0;
  for (int p = 0; p < partitions; p++)
    for (long i = 0; i < count; i++)
      if (slots[i].partition == p) {
        used++;
        break;
      }
  printf("rdkafka_roundtrip PASS records=%ld partitions=%d partitions_used=%d codec=%s "
         "duplicates=0\n", count, partitions, used, codec);
  free(slots);
  return 0;
}
