import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A paced produce load that writes down exactly which records the broker acknowledged, for crash
 * tests: the test kills the broker while this runs and later checks the log against the file.
 *
 * <p>Usage: AckedProducer BOOTSTRAP TOPIC PARTITIONS MODE MAX_RECORDS MAX_SECONDS RATE ACK_FILE
 *
 * <ul>
 *   <li>MODE idempotent: acks=all, enable.idempotence=true, default retries.
 *   <li>MODE acks1: acks=1, idempotence off, retries=0 (so no record is ever sent twice).
 * </ul>
 *
 * <p>Record i has key "k-%09d" (i) and value "v-%09d:" (i) plus filler. The load stops after
 * MAX_RECORDS records or MAX_SECONDS seconds, whichever first, sending about RATE records/s. Each
 * acknowledged record appends "i partition offset" to ACK_FILE (flushed every 100 ms and at the
 * end). Prints "AckedProducer sent=.. acked=.. failed=.." and exits 0 unless set-up failed (2).
 */
public final class AckedProducer {
  static byte[] key(long i) {
    return String.format("k-%09d", i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(long i) {
    StringBuilder sb = new StringBuilder(String.format("v-%09d:", i));
    for (int k = 0; k < 100; k++) {
      sb.append((char) ('a' + (i + k) % 26));
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: AckedProducer BOOTSTRAP TOPIC PARTITIONS MODE MAX_RECORDS MAX_SECONDS RATE ACK_FILE");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    String mode = args[3];
    long maxRecords = Long.parseLong(args[4]);
    long maxNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    double rate = Double.parseDouble(args[6]);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
    switch (mode) {
      case "idempotent":
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        break;
      case "acks1":
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.RETRIES_CONFIG, "0");
        break;
      default:
        System.err.println("MODE must be idempotent or acks1");
        System.exit(2);
    }

    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        System.out.println("AckedProducer set-up error: " + e);
        System.exit(2);
      }
    }

    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long sent = 0;
    try (BufferedWriter out = Files.newBufferedWriter(Paths.get(args[7]), StandardCharsets.UTF_8);
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      long lastFlush = start;
      while (sent < maxRecords && System.nanoTime() - start < maxNanos) {
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (sent > rate * elapsed) {
          Thread.sleep(2);
          continue;
        }
        final long i = sent++;
        try {
          producer.send(new ProducerRecord<>(topic, key(i), value(i)), (md, ex) -> {
            if (ex != null) {
              failed.incrementAndGet();
              firstError.compareAndSet(null, "record " + i + ": " + ex);
              return;
            }
            acked.incrementAndGet();
            synchronized (out) {
              try {
                out.write(i + " " + md.partition() + " " + md.offset() + "\n");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          });
        } catch (KafkaException e) {
          failed.incrementAndGet();
          firstError.compareAndSet(null, "send " + i + ": " + e);
          Thread.sleep(50);
        }
        if (System.nanoTime() - lastFlush > 100_000_000L) {
          synchronized (out) {
            out.flush();
          }
          lastFlush = System.nanoTime();
        }
      }
      producer.flush();
      producer.close(Duration.ofSeconds(30));
      synchronized (out) {
        out.flush();
      }
    }
    System.out.println("AckedProducer mode=" + mode + " sent=" + sent + " acked=" + acked.get()
        + " failed=" + failed.get() + (firstError.get() == null ? "" : " first_error=" + firstError.get()));
  }
}
