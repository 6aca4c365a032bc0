// Checks Sluice's generated encodings against Apache Kafka's own message classes.
//
// Usage: java -cp "<kafka libs>/*" JavaCodecCheck.java DIR
// DIR holds files <KafkaJavaClass>.<version>.<seed>.bin written by `protocol_corpus
// messages`. For each file this parses the bytes with
// org.apache.kafka.common.message.<KafkaJavaClass>, then requires that
//   - every byte was consumed,
//   - no struct at any depth holds unknown tagged fields (a wrong tag number would
//     otherwise survive a round trip as an opaque field), and
//   - Kafka re-encodes the message to exactly the same bytes.
// Exits 0 when every file passes, 1 otherwise (printing each failure), 2 on bad usage.
import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

public class JavaCodecCheck {
  private static final int MAX_DEPTH = 16;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: JavaCodecCheck DIR");
      System.exit(2);
    }
    File[] files = new File(args[0]).listFiles((dir, name) -> name.endsWith(".bin"));
    if (files == null || files.length == 0) {
      System.err.println("no .bin files in " + args[0]);
      System.exit(2);
    }
    Arrays.sort(files);
    int failures = 0;
    for (File file : files) {
      String error = check(file);
      if (error != null) {
        failures++;
        System.out.println("FAIL " + file.getName() + ": " + error);
      }
    }
    System.out.println("checked " + files.length + " files, " + failures + " failures");
    System.exit(failures == 0 ? 0 : 1);
  }

  private static String check(File file) {
    String[] parts = file.getName().split("\\.");
    try {
      String className = "org.apache.kafka.common.message." + parts[0];
      short version = Short.parseShort(parts[1]);
      byte[] bytes = Files.readAllBytes(file.toPath());
      ByteBuffer input = ByteBuffer.wrap(bytes);
      Message message = (Message) Class.forName(className)
          .getConstructor(Readable.class, short.class)
          .newInstance(new ByteBufferAccessor(input), version);
      if (input.remaining() != 0) {
        return input.remaining() + " bytes not consumed by Kafka's parser";
      }
      String unknown = findUnknownTaggedFields(message, parts[0], 0);
      if (unknown != null) return unknown;
      ObjectSerializationCache cache = new ObjectSerializationCache();
      ByteBuffer output = ByteBuffer.allocate(message.size(cache, version));
      message.write(new ByteBufferAccessor(output), cache, version);
      if (!Arrays.equals(output.array(), bytes)) {
        return "Kafka re-encodes to different bytes (" + output.array().length + " vs "
            + bytes.length + "): " + message;
      }
      return null;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
  }

  // Walks the message tree through its public getters, returning a description of the
  // first struct with unknown tagged fields, or null.
  private static String findUnknownTaggedFields(Object node, String path, int depth)
      throws Exception {
    if (depth > MAX_DEPTH || node == null) return null;
    if (node instanceof Message) {
      List<?> unknown = ((Message) node).unknownTaggedFields();
      if (unknown != null && !unknown.isEmpty()) {
        return path + " has unknown tagged fields " + unknown;
      }
      for (Method m : node.getClass().getMethods()) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
            || m.getName().equals("duplicate") || m.getName().equals("unknownTaggedFields")) {
          continue;
        }
        Class<?> type = m.getReturnType();
        if (Message.class.isAssignableFrom(type) || Iterable.class.isAssignableFrom(type)) {
          String found = findUnknownTaggedFields(m.invoke(node), path + "." + m.getName(),
                                                 depth + 1);
          if (found != null) return found;
        }
      }
    } else if (node instanceof Iterable) {
      int i = 0;
      for (Object element : (Iterable<?>) node) {
        String found = findUnknownTaggedFields(element, path + "[" + i++ + "]", depth + 1);
        if (found != null) return found;
      }
    }
    return null;
  }
}
