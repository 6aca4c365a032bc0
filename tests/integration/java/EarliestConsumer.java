import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one partition to its end with the Java consumer (assign(), no group) and reports what a
 * Kafka user would see after retention or DeleteRecords: the beginning and end offsets
 * (ListOffsets earliest/latest) and the first offset actually delivered.
 *
 * <p>Usage: EarliestConsumer BOOTSTRAP TOPIC PARTITION [beginning|zero] [TIMEOUT_S]
 *
 * <p>"beginning" calls seekToBeginning; "zero" seeks to offset 0, which lies below the log start
 * once records were deleted, so the fetch gets OFFSET_OUT_OF_RANGE and auto.offset.reset=earliest
 * must move the consumer to the log start.
 *
 * <p>Prints "EarliestConsumer beginning=B end=E first=F count=N" (first=-1 if nothing was read);
 * exit 0, or 2 on usage or set-up errors, 1 if the end was not reached in time.
 */
public final class EarliestConsumer {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: EarliestConsumer BOOTSTRAP TOPIC PARTITION [beginning|zero] [TIMEOUT_S]");
      System.exit(2);
    }
    String mode = args.length > 3 ? args[3] : "beginning";
    long timeoutMs = (args.length > 4 ? Long.parseLong(args[4]) : 60) * 1000;
    TopicPartition tp = new TopicPartition(args[1], Integer.parseInt(args[2]));
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(tp));
      long beginning = consumer.beginningOffsets(List.of(tp)).get(tp);
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      if (mode.equals("zero")) {
        consumer.seek(tp, 0);
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
      long first = -1;
      long count = 0;
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (consumer.position(tp) < end) {
        if (System.currentTimeMillis() > deadline) {
          System.out.printf("EarliestConsumer TIMEOUT beginning=%d end=%d first=%d count=%d position=%d%n",
              beginning, end, first, count, consumer.position(tp));
          System.exit(1);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (first < 0) first = r.offset();
          count++;
        }
      }
      System.out.printf("EarliestConsumer beginning=%d end=%d first=%d count=%d%n", beginning, end, first, count);
    }
  }
}
