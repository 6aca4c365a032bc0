import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * IncrementalAlterConfigs through the Java Admin client, for the operations the kafka-configs
 * tool does not send (APPEND, SUBTRACT) and for validateOnly.
 *
 * <p>Usage: ConfigOps BOOTSTRAP topic|broker NAME [--validate-only] OP:KEY[=VALUE]...
 * with OP one of SET, DELETE, APPEND, SUBTRACT.
 *
 * <p>Prints "ConfigOps OK" or "ConfigOps ERROR <exception class>: <message>"; exit 0 either
 * way (the caller checks the line), 2 on usage errors.
 */
public final class ConfigOps {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: ConfigOps BOOTSTRAP topic|broker NAME [--validate-only] OP:KEY[=VALUE]...");
      System.exit(2);
    }
    ConfigResource.Type type = args[1].equals("broker") ? ConfigResource.Type.BROKER : ConfigResource.Type.TOPIC;
    ConfigResource resource = new ConfigResource(type, args[2]);
    boolean validateOnly = false;
    List<AlterConfigOp> ops = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      if (args[i].equals("--validate-only")) {
        validateOnly = true;
        continue;
      }
      String[] opAndRest = args[i].split(":", 2);
      String[] kv = opAndRest[1].split("=", 2);
      ops.add(new AlterConfigOp(new ConfigEntry(kv[0], kv.length > 1 ? kv[1] : null),
          AlterConfigOp.OpType.valueOf(opAndRest[0])));
    }
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    try (Admin admin = Admin.create(props)) {
      Map<ConfigResource, Collection<AlterConfigOp>> request = Map.of(resource, ops);
      admin.incrementalAlterConfigs(request, new AlterConfigsOptions().validateOnly(validateOnly)).all().get();
      System.out.println("ConfigOps OK");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      System.out.println("ConfigOps ERROR " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }
}
