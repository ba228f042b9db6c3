package dev.kpam.bench;

import dev.kpam.testing.kube.FakeKubeApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fake Kubernetes API server in a JVM of its own, so that the descriptors of its watch
 * connections do not count against the bench's. It accepts the stored token given as the first
 * argument, holds the pod {@code default/web}, writes its CA certificate to {@code ca.pem} in the
 * directory given as the second argument and prints its URL. Each line {@code add-pod NAME} on
 * standard input adds a pod to {@code default} (every watch of pods sees it); each line {@code
 * add-configmaps COUNT BYTES [NAMESPACE]} adds COUNT config maps {@code bench-N} to NAMESPACE
 * ({@code default} if not given), each with one value of BYTES letters and digits, and prints
 * {@code added COUNT config maps}; end of input stops it.
 *
 * <pre>{@code
 * java -cp CLASSPATH dev.kpam.bench.FakeApiServerProcess TOKEN DIR   # prints: fake API server listening on https://127.0.0.1:PORT
 * }</pre>
 */
public final class FakeApiServerProcess {
  private static final String ADD_POD = "add-pod ";
  private static final String ADD_CONFIG_MAPS = "add-configmaps ";
  private static final String ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private FakeApiServerProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: FakeApiServerProcess STORED_TOKEN DIR");
      System.exit(2);
    }
    try (FakeKubeApiServer kube = FakeKubeApiServer.start(args[0])) {
      kube.addPod("default", "web");
      Files.writeString(Path.of(args[1], "ca.pem"), kube.caCertificatePem());
      System.out.println("fake API server listening on " + kube.url());
      System.out.flush();
      BufferedReader commands =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = commands.readLine(); line != null; line = commands.readLine()) {
        if (line.startsWith(ADD_POD)) {
          String name = line.substring(ADD_POD.length()).trim();
          kube.addPod("default", name);
          System.out.println("added pod " + name);
        } else if (line.startsWith(ADD_CONFIG_MAPS)) {
          String[] numbers = line.substring(ADD_CONFIG_MAPS.length()).trim().split("\\s+");
          int count = Integer.parseInt(numbers[0]);
          String namespace = numbers.length > 2 ? numbers[2] : "default";
          addConfigMaps(kube, namespace, count, Integer.parseInt(numbers[1]));
          System.out.println("added " + count + " config maps");
        } else {
          System.out.println("unknown command: " + line);
        }
        System.out.flush();
      }
    }
  }

  /**
   * Adds {@code count} config maps that share one value of {@code bytes} characters: the list
   * answer is {@code count × bytes} long, the store holds the value once.
   */
  private static void addConfigMaps(
      FakeKubeApiServer kube, String namespace, int count, int bytes) {
    StringBuilder value = new StringBuilder(bytes);
    for (int i = 0; i < bytes; i++) {
      value.append(ALPHABET.charAt(i % ALPHABET.length()));
    }
    Map<String, String> data = Map.of("value", value.toString());
    for (int i = 0; i < count; i++) {
      kube.addConfigMap(namespace, "bench-" + i, data);
    }
  }
}
