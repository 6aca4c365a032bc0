import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces COUNT keyed records with the Java client's idempotent producer (acks=all) to a topic
 * with PARTITIONS partitions, then reads everything back with assign() (no consumer group, no
 * commits) and checks: every record exactly once, at the offset the producer's callback reported,
 * in send order within each partition, key, value and headers byte-exact.
 *
 * <p>Usage: IdempotentProducerCheck BOOTSTRAP TOPIC COUNT PARTITIONS [COMPRESSION] [TIMEOUT_S]
 *
 * <p>Prints one line "IdempotentProducerCheck PASS ..." or "IdempotentProducerCheck FAIL: ...";
 * exit 0 on pass, 1 on a failed check, 2 on usage or set-up errors.
 */
public final class IdempotentProducerCheck {
  private static final byte[] BIN_HEADER = {0, 1, (byte) 0xfe, (byte) 0xff};

  static byte[] key(int i) {
    return String.format("key-%08d", i).getBytes(StandardCharsets.UTF_8);
  }

  /** Deterministic value of record i: every third compressible text, the rest binary. */
  static byte[] value(int i) {
    int len = (i * 53) % 1200;
    byte[] v = new byte[len];
    long x = i * 0x9E3779B97F4A7C15L + 1;
    for (int k = 0; k < len; k++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      v[k] = (i % 3 == 0) ? (byte) ('a' + k % 5) : (byte) (x >>> 24);
    }
    return v;
  }

  static byte[] indexBytes(int i) {
    return java.nio.ByteBuffer.allocate(4).putInt(i).array();
  }

  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String msg) {
      super(msg);
    }
  }

  public static void main(String[] args) {
    if (args.length < 4 || args.length > 6) {
      System.err.println(
          "usage: IdempotentProducerCheck BOOTSTRAP TOPIC COUNT PARTITIONS [COMPRESSION] [TIMEOUT_S]");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    int count = Integer.parseInt(args[2]);
    int partitions = Integer.parseInt(args[3]);
    String compression = args.length > 4 ? args[4] : "none";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(args.length > 5 ? Long.parseLong(args[5]) : 120);
    try {
      createTopic(bootstrap, topic, partitions);
      long[][] acked = produce(bootstrap, topic, count, compression);
      String summary = consumeAndCheck(bootstrap, topic, partitions, count, acked, deadline);
      System.out.println("IdempotentProducerCheck PASS records=" + count + " partitions=" + partitions
          + " compression=" + compression + " " + summary);
      System.exit(0);
    } catch (Failure f) {
      System.out.println("IdempotentProducerCheck FAIL: " + f.getMessage());
      System.exit(1);
    } catch (Exception e) {
      System.out.println("IdempotentProducerCheck FAIL: set-up error: " + e);
      e.printStackTrace();
      System.exit(2);
    }
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Returns acked[i] = {partition, offset} for every record; throws if any send failed. */
  static long[][] produce(String bootstrap, String topic, int count, String compression)
      throws Failure, InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    long[][] acked = new long[count][];
    AtomicReference<String> firstError = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        final int idx = i;
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key(i), value(i));
        r.headers().add("idx", indexBytes(i)).add("bin", BIN_HEADER);
        producer.send(r, (md, ex) -> {
          if (ex != null) {
            firstError.compareAndSet(null, "record " + idx + ": " + ex);
          } else {
            acked[idx] = new long[] {md.partition(), md.offset()};
          }
        });
      }
      producer.flush();
    }
    if (firstError.get() != null) {
      throw new Failure("send failed: " + firstError.get());
    }
    for (int i = 0; i < count; i++) {
      if (acked[i] == null) {
        throw new Failure("record " + i + " never acknowledged");
      }
    }
    return acked;
  }

  static String consumeAndCheck(String bootstrap, String topic, int partitions, int count,
      long[][] acked, long deadline) throws Failure {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // No group.id: assign() only, nothing is committed, no coordinator is contacted.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
    List<TopicPartition> tps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      tps.add(new TopicPartition(topic, i));
    }
    boolean[] seen = new boolean[count];
    int[] lastIndex = new int[partitions];
    long[] lastOffset = new long[partitions];
    Arrays.fill(lastIndex, -1);
    Arrays.fill(lastOffset, -1);
    int read = 0;
    int usedPartitions = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
      long total = 0;
      for (TopicPartition tp : tps) {
        long e = end.get(tp);
        total += e;
        if (e > 0) {
          usedPartitions++;
        }
      }
      if (total != count) {
        throw new Failure("end offsets sum to " + total + " but " + count + " records were produced: " + end);
      }
      while (!caughtUp(consumer, tps, end)) {
        if (System.nanoTime() > deadline) {
          throw new Failure("deadline reached after reading " + read + " of " + count + " records");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          int part = r.partition();
          Header h = r.headers().lastHeader("idx");
          Header b = r.headers().lastHeader("bin");
          if (h == null || h.value().length != 4 || b == null || !Arrays.equals(b.value(), BIN_HEADER)) {
            throw new Failure("record at " + part + "/" + r.offset() + " lacks the idx/bin headers");
          }
          int i = java.nio.ByteBuffer.wrap(h.value()).getInt();
          if (i < 0 || i >= count) {
            throw new Failure("record at " + part + "/" + r.offset() + " has index " + i);
          }
          if (seen[i]) {
            throw new Failure("record " + i + " read twice (again at " + part + "/" + r.offset() + ")");
          }
          seen[i] = true;
          if (!Arrays.equals(r.key(), key(i)) || !Arrays.equals(r.value(), value(i))) {
            throw new Failure("record " + i + ": key or value differs from what was sent");
          }
          if (acked[i][0] != part || acked[i][1] != r.offset()) {
            throw new Failure("record " + i + " read at " + part + "/" + r.offset()
                + " but acknowledged at " + acked[i][0] + "/" + acked[i][1]);
          }
          if (i <= lastIndex[part] || r.offset() <= lastOffset[part]) {
            throw new Failure("partition " + part + " out of order: record " + i + " at offset "
                + r.offset() + " after record " + lastIndex[part] + " at " + lastOffset[part]);
          }
          lastIndex[part] = i;
          lastOffset[part] = r.offset();
          read++;
        }
      }
    }
    if (read != count) {
      throw new Failure("read " + read + " records, produced " + count);
    }
    return "read=" + read + " partitions_used=" + usedPartitions + " duplicates=0";
  }

  static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps,
      Map<TopicPartition, Long> end) {
    for (TopicPartition tp : tps) {
      if (consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp)) {
        return false;
      }
    }
    return true;
  }
}
