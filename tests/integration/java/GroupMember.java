import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One member of a consumer group for the group tests: subscribes, writes down every record it
 * processes, and commits synchronously after each batch and whenever partitions are revoked, so
 * that a clean rebalance hands partitions over without any record being processed twice.
 *
 * <p>Usage: GroupMember BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS [key=value ...]
 *
 * <p>Extra key=value pairs are consumer configs (session.timeout.ms, group.instance.id,
 * partition.assignment.strategy, ...). OUT_FILE gets, flushed after every batch:
 *
 * <ul>
 *   <li>"R partition offset key" for each record processed;
 *   <li>"ASSIGNED p,p,..." and "REVOKED p,p,..." on rebalances;
 *   <li>"COMMITTED n" after each successful commit of n partitions;
 *   <li>"CLOSED" after a clean close.
 * </ul>
 *
 * <p>Runs until STOP_FILE exists or MAX_SECONDS pass, then commits, closes (leaving the group)
 * and exits 0. Exits 1 if a commit fails, 2 on bad arguments.
 */
public final class GroupMember {
  private static BufferedWriter out;
  private static final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();

  private static synchronized void write(String line) {
    try {
      out.write(line);
      out.write('\n');
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  private static String partitions(Collection<TopicPartition> parts) {
    StringBuilder sb = new StringBuilder();
    for (TopicPartition tp : parts) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(tp.partition());
    }
    return sb.toString();
  }

  private static void commit(KafkaConsumer<byte[], byte[]> consumer) {
    if (processed.isEmpty()) {
      return;
    }
    consumer.commitSync(new HashMap<>(processed), Duration.ofSeconds(30));
    write("COMMITTED " + processed.size());
    processed.clear();
    flush();
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println(
          "usage: GroupMember BOOTSTRAP TOPIC GROUP OUT_FILE STOP_FILE MAX_SECONDS [key=value ...]");
      System.exit(2);
    }
    Path stop = Paths.get(args[4]);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    for (int i = 6; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        System.err.println("bad config " + args[i]);
        System.exit(2);
      }
      p.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    out = Files.newBufferedWriter(Paths.get(args[3]), StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(
          List.of(args[1]),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> parts) {
              commit(consumer);
              write("REVOKED " + partitions(parts));
              flush();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> parts) {
              write("ASSIGNED " + partitions(parts));
              flush();
            }
          });
      while (!Files.exists(stop) && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          String key = r.key() == null ? "-" : new String(r.key(), StandardCharsets.UTF_8);
          write("R " + r.partition() + " " + r.offset() + " " + key);
          processed.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        commit(consumer);
      }
      commit(consumer);
    } catch (org.apache.kafka.common.KafkaException e) {
      write("ERROR " + e);
      flush();
      System.err.println("GroupMember failed: " + e);
      System.exit(1);
    }
    write("CLOSED");
    flush();
    out.close();
  }
}
