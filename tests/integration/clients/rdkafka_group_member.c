/*
 * One member of a consumer group with librdkafka, for the group tests (the C twin of
 * java/GroupMember.java): subscribes, writes down every record it processes, and commits
 * synchronously after each poll and before partitions are revoked, so a clean rebalance hands
 * partitions over without processing a record twice. Works with eager assignors (range,
 * roundrobin) and with cooperative-sticky (incremental assign/unassign).
 *
 * Usage: rdkafka_group_member BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS [key=value...]
 * Extra key=value pairs are librdkafka configs (partition.assignment.strategy, ...).
 * OUT_FILE lines: "R partition offset key", "ASSIGNED p,p", "REVOKED p,p", "COMMITTED n",
 * "CLOSED". Exits 0 after a clean close, 1 on a fatal error, 2 on bad arguments.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

static FILE *out;
static int stored_since_commit;

static void log_partitions(const char *what, const rd_kafka_topic_partition_list_t *parts) {
  fprintf(out, "%s ", what);
  for (int i = 0; i < parts->cnt; i++) {
    fprintf(out, "%s%d", i ? "," : "", (int)parts->elems[i].partition);
  }
  fprintf(out, "\n");
  fflush(out);
}

/* Commits the stored offsets synchronously; returns 0 or the error. */
static rd_kafka_resp_err_t commit(rd_kafka_t *rk) {
  if (stored_since_commit == 0) return RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, NULL, 0);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    fprintf(out, "COMMITTED %d\n", stored_since_commit);
    stored_since_commit = 0;
    fflush(out);
    return RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  fprintf(out, "COMMIT-FAILED %s\n", rd_kafka_err2str(err));
  fflush(out);
  return err;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque) {
  (void)opaque;
  const char *protocol = rd_kafka_rebalance_protocol(rk);
  int cooperative = protocol && strcmp(protocol, "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    log_partitions("ASSIGNED", parts);
    if (cooperative) {
      rd_kafka_error_t *error = rd_kafka_incremental_assign(rk, parts);
      if (error) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(rk, parts);
    }
  } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    if (!rd_kafka_assignment_lost(rk)) commit(rk);
    log_partitions("REVOKED", parts);
    if (cooperative) {
      rd_kafka_error_t *error = rd_kafka_incremental_unassign(rk, parts);
      if (error) rd_kafka_error_destroy(error);
    } else {
      rd_kafka_assign(rk, NULL);
    }
  } else {
    fprintf(out, "REBALANCE-ERROR %s\n", rd_kafka_err2str(err));
    fflush(out);
    rd_kafka_assign(rk, NULL);
  }
}

static int set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "config %s=%s: %s\n", key, value, errstr);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr,
            "usage: rdkafka_group_member BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS "
            "[key=value...]\n");
    return 2;
  }
  const char *stop_file = argv[5];
  time_t deadline = time(NULL) + atoi(argv[6]);
  out = fopen(argv[4], "w");
  if (!out) {
    fprintf(stderr, "cannot open %s: %s\n", argv[4], strerror(errno));
    return 2;
  }
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (set(conf, "bootstrap.servers", argv[1]) || set(conf, "group.id", argv[3]) ||
      set(conf, "enable.auto.commit", "false") || set(conf, "enable.auto.offset.store", "false") ||
      set(conf, "auto.offset.reset", "earliest") || set(conf, "session.timeout.ms", "10000") ||
      set(conf, "heartbeat.interval.ms", "1000")) {
    return 2;
  }
  for (int i = 7; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) return 2;
    *eq = '\0';
    if (set(conf, argv[i], eq + 1)) return 2;
  }
  rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  char errstr[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[2], RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) {
    fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(err));
    return 1;
  }
  int status = 0;
  while (access(stop_file, F_OK) != 0 && time(NULL) < deadline) {
    rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 200);
    while (msg) {
      if (msg->err) {
        if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          fprintf(out, "ERROR %s\n", rd_kafka_message_errstr(msg));
        }
      } else {
        fprintf(out, "R %d %lld %.*s\n", (int)msg->partition, (long long)msg->offset,
                (int)msg->key_len, msg->key ? (const char *)msg->key : "");
        rd_kafka_offset_store(msg->rkt, msg->partition, msg->offset);
        stored_since_commit++;
      }
      rd_kafka_message_destroy(msg);
      msg = rd_kafka_consumer_poll(rk, 0);  /* Drain what is ready, then commit once. */
    }
    fflush(out);
    commit(rk);
  }
  if (commit(rk) != RD_KAFKA_RESP_ERR_NO_ERROR) status = 1;
  err = rd_kafka_consumer_close(rk);
  if (err) {
    fprintf(stderr, "close: %s\n", rd_kafka_err2str(err));
    status = 1;
  }
  rd_kafka_destroy(rk);
  if (status == 0) fprintf(out, "CLOSED\n");
  fclose(out);
  return status;
}
