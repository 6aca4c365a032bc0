import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * DescribeLogDirs through the Java Admin client, which (unlike kafka-log-dirs) exposes the
 * directory's total and usable bytes (DescribeLogDirs v4).
 *
 * <p>Usage: LogDirs BOOTSTRAP BROKER_ID
 *
 * <p>Prints one line per directory, "LogDirs dir=PATH total=N usable=N error=NAME|none", then one
 * line per partition, "LogDirs partition=TOPIC-P size=N lag=N future=BOOL".
 */
public final class LogDirs {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: LogDirs BOOTSTRAP BROKER_ID");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    int broker = Integer.parseInt(args[1]);
    try (Admin admin = Admin.create(props)) {
      Map<String, LogDirDescription> dirs =
          admin.describeLogDirs(List.of(broker)).allDescriptions().get().get(broker);
      for (Map.Entry<String, LogDirDescription> dir : dirs.entrySet()) {
        LogDirDescription d = dir.getValue();
        System.out.printf("LogDirs dir=%s total=%d usable=%d error=%s%n", dir.getKey(),
            d.totalBytes().orElse(-1L), d.usableBytes().orElse(-1L),
            d.error() == null ? "none" : d.error().getClass().getSimpleName());
        for (Map.Entry<TopicPartition, ReplicaInfo> r : d.replicaInfos().entrySet()) {
          System.out.printf("LogDirs partition=%s size=%d lag=%d future=%b%n", r.getKey(),
              r.getValue().size(), r.getValue().offsetLag(), r.getValue().isFuture());
        }
      }
    }
  }
}
