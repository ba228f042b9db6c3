package dev.kpam.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What JVM options do for a fresh {@code kpam k8s access}, the one kpam process every session
 * starts cold: on one deployment whose server and gateway a first session warmed, it opens a new
 * session per variant and round, alternating the variants, and measures each: until the local proxy
 * listens, the first {@code kubectl get configmap} with an empty cache (discovery included), and
 * {@code wrk -c1} p50 in the first 5 s and the 10 s after. Variants ({@code -Dkpam.bench.variants})
 * are JVM option lists separated by {@code |}, options by spaces; {@code default} is none.
 *
 * <pre>{@code
 * mvn -q -o install -DskipTests
 * mvn -pl kpam-bench exec:java -Dexec.mainClass=dev.kpam.bench.CliWarmUp -Dexec.args=5 \
 *     '-Dkpam.bench.variants=default|-XX:TieredStopAtLevel=1 -XX:+UseSerialGC'
 * }</pre>
 */
public final class CliWarmUp {
  private CliWarmUp() {}

  record Figures(double readyMs, double firstGetMs, double coldP50, double warmP50) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<String> variants =
        List.of(
            System.getProperty("kpam.bench.variants", "default|-XX:TieredStopAtLevel=1")
                .split("\\|"));
    Path kpamJar = Path.of(System.getProperty("kpam.jar", "kpam-app/target/kpam.jar"));
    Map<String, List<Figures>> all = new LinkedHashMap<>();
    try (Deployment kpam = Deployment.start(kpamJar, "kpam-bench-cli", List.of(), List.of())) {
      kpam.kube().send("add-configmaps 1 100");
      kpam.kube().awaitLine(Pattern.compile("added 1 config maps"), Duration.ofSeconds(30));
      Path dir = Files.createTempDirectory("kpam-bench-cli");
      // A first session warms the server and the gateway; it is not counted.
      ProxyTarget first = kpam.startProxy("warm-up");
      DeployedPath.wrk(first.url().toString(), first.token(), 2, 20);
      for (int round = 1; round <= rounds; round++) {
        for (String variant : variants) {
          List<String> options =
              variant.equals("default") ? List.of() : Arrays.asList(variant.trim().split("\\s+"));
          ProxyTarget local = kpam.startProxy("cli round " + round + ", " + variant, options);
          double ready = kpam.lastProxyStart().toNanos() / 1e6;
          double firstGet =
              DeployedPath.kubectlGet(local.kubeconfig(), Files.createTempDirectory(dir, "cache"));
          DeployedPath.Wrk cold = DeployedPath.wrk(local.url().toString(), local.token(), 1, 5);
          DeployedPath.Wrk warm = DeployedPath.wrk(local.url().toString(), local.token(), 1, 10);
          Figures f = new Figures(ready, firstGet, cold.p50Ms(), warm.p50Ms());
          System.out.printf(
              "round %d %-40s ready %5.0f ms  first get %5.0f ms  cold p50 %5.2f ms  warm p50"
                  + " %5.2f ms%n",
              round, variant, f.readyMs(), f.firstGetMs(), f.coldP50(), f.warmP50());
          all.computeIfAbsent(variant, v -> new ArrayList<>()).add(f);
        }
      }
    }
    System.out.printf("%nmedians of %d rounds%n", rounds);
    all.forEach(
        (variant, list) ->
            System.out.printf(
                "%-40s ready %5.0f ms  first get %5.0f ms  cold p50 %5.2f ms  warm p50 %5.2f ms%n",
                variant,
                DeployedPath.median(list.stream().mapToDouble(Figures::readyMs).toArray()),
                DeployedPath.median(list.stream().mapToDouble(Figures::firstGetMs).toArray()),
                DeployedPath.median(list.stream().mapToDouble(Figures::coldP50).toArray()),
                DeployedPath.median(list.stream().mapToDouble(Figures::warmP50).toArray())));
  }
}
