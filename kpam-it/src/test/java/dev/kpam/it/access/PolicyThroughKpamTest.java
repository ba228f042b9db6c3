package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kpam.cli.access.AccessSession;
import dev.kpam.testing.kube.Kubectl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An account's Kubernetes policy through the real path with the real kubectl (1.27 and 1.33): what
 * it forbids never reaches the cluster and kubectl prints the policy's one line; a change reaches
 * an open session at its next request; every denial is a {@code denial} event of the session.
 */
@ParameterizedClass
@ValueSource(strings = {"sqlite", "postgresql"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyThroughKpamTest {
  private static final AtomicInteger NEXT = new AtomicInteger();

  @Parameter String backend;
  private Path dir;
  private KpamWorld world;

  @BeforeParameterizedClassInvocation
  void start() throws IOException {
    dir = Files.createTempDirectory("kpam-policy-" + backend);
    world = KpamWorld.onBackend(dir, backend);
    world.kube.addPod("team-a", "api");
  }

  @AfterParameterizedClassInvocation
  void stop() {
    if (world != null) world.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void theReadOnlyPresetLetsReadsAndLogsThroughAndRefusesTheRestWithOneLine(String binary)
      throws Exception {
    String account = account(Map.of("preset", "read-only"));
    AccessSession access = access(account);
    try {
      Kubectl kubectl = kubectl(binary, account);
      String policy = "kpam: policy of prod/" + account + " forbids ";

      assertThat(kubectl.run("get", "pods").exitCode()).isZero();
      assertThat(kubectl.run("logs", "web").exitCode()).isZero();
      assertRefused(kubectl.run("delete", "pod", "web"), policy + "delete on pods in default");
      assertRefused(kubectl.run("get", "secret", "db"), policy + "get on secrets in default");
      assertRefused(
          kubectl.run("exec", "web", "--", "echo", "hi"), policy + "exec on pods in default");
      Process forward = kubectl.start("port-forward", "pod/web", ":8080");
      assertThat(forward.waitFor(30, TimeUnit.SECONDS)).as("port-forward gives up").isTrue();
      assertThat(new String(forward.getErrorStream().readAllBytes()))
          .contains(policy + "portforward on pods in default");
      assertThat(world.kube.requests())
          .as("nothing forbidden reached the cluster")
          .noneMatch(r -> r.method().equals("DELETE") || r.uri().contains("/secrets/"));

      List<String> denials = denials(access.sessionId(), 4);
      assertThat(denials)
          .contains(
              policy + "delete on pods in default",
              policy + "get on secrets in default",
              policy + "exec on pods in default",
              policy + "portforward on pods in default");
      // The refused request itself carries the line, which the session page shows as "denied by
      // kpam" on the command.
      JsonNode refused =
          world.call(
              "GET",
              "/api/v1/sessions/" + access.sessionId() + "/events?type=request&limit=1000",
              world.adminToken,
              null);
      List<String> errors = new ArrayList<>();
      refused
          .get("items")
          .forEach(
              item -> {
                if (item.at("/data/status").asInt() == 403) {
                  errors.add(item.at("/data/error").asText());
                }
              });
      assertThat(errors).contains(policy + "delete on pods in default");
      JsonNode commands =
          world.call(
              "GET",
              "/api/v1/sessions/" + access.sessionId() + "/commands",
              world.adminToken,
              null);
      List<String> refusals = new ArrayList<>();
      commands
          .get("items")
          .forEach(
              command -> {
                if (command.get("line").asText().startsWith("kubectl delete")) {
                  refusals.add(command.get("refusal").asText());
                }
              });
      assertThat(refusals).containsExactly(policy + "delete on pods in default");
    } finally {
      access.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {Kubectl.V1_27, Kubectl.V1_33})
  void aNamespacePolicyRefusesOtherNamespacesAndAClusterWideList(String binary) throws Exception {
    String account = account(Map.of("preset", "namespaces:team-a"));
    AccessSession access = access(account);
    try {
      Kubectl kubectl = kubectl(binary, account);

      Kubectl.Result inside = kubectl.run("get", "pods", "-n", "team-a");
      assertThat(inside.exitCode()).as(inside.stderr()).isZero();
      assertThat(inside.stdout()).contains("api");
      assertRefused(
          kubectl.run("get", "pods", "-n", "default"),
          "kpam: policy of prod/" + account + " forbids list on pods in default");
      assertRefused(
          kubectl.run("get", "pods", "-A"),
          "kpam: policy of prod/"
              + account
              + " allows list on pods only in namespaces team-a; pass -n team-a");
    } finally {
      access.close();
    }
  }

  @Test
  void aChangedPolicyReachesAnOpenSessionAtItsNextRequest() throws Exception {
    String account = account(Map.of());
    AccessSession access = access(account);
    try {
      Kubectl kubectl = kubectl(Kubectl.V1_33, account);
      assertThat(kubectl.run("create", "configmap", "before-" + account).exitCode()).isZero();

      world.call(
          "PATCH",
          "/api/v1/resources/prod/accounts/" + account,
          world.adminToken,
          Map.of("preset", "read-only"));

      AtomicInteger attempt = new AtomicInteger();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  kubectl
                      .run(
                          "create",
                          "configmap",
                          "after-" + account + "-" + attempt.incrementAndGet())
                      .stderr()
                      .contains("forbids create on configmaps in default"));
      System.out.printf("policy change (%s): refused from attempt %d%n", backend, attempt.get());
      // The change reaches the gateway as a push (account.changed), a few ms after the PATCH.
      assertThat(attempt.get())
          .as("refused at the first requests after the change")
          .isLessThanOrEqualTo(2);
      assertThat(access.outcome().toCompletableFuture().isDone()).as("session open").isFalse();
    } finally {
      access.close();
    }
  }

  @Test
  void whatIfReplaysAScriptedSessionExactlyByUserAndCommand() throws Exception {
    String account = account(Map.of());
    AccessSession access = access(account);
    String session = access.sessionId();
    try {
      Kubectl kubectl = kubectl(Kubectl.V1_33, account);
      for (String[] command :
          new String[][] {
            {"get", "pods"},
            {"get", "pods", "web"},
            {"logs", "web"},
            {"create", "configmap", "wi-" + account},
            {"delete", "configmap", "wi-" + account},
            {"exec", "web", "--", "echo", "hi"}
          }) {
        Kubectl.Result result = kubectl.run(command);
        assertThat(result.exitCode())
            .as(String.join(" ", command) + ": " + result.stderr())
            .isZero();
      }
    } finally {
      access.close();
    }
    world.awaitFinishedRecording(session);

    JsonNode[] report = {null};
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              report[0] =
                  world.call(
                      "POST",
                      "/api/v1/resources/prod/accounts/" + account + "/what-if",
                      world.adminToken,
                      Map.of("preset", "read-only", "since", "1h"));
              return report[0].get("denied").asLong() >= 3
                  && group(report[0], "kubectl exec") != null;
            });
    String policy = "kpam: policy of prod/" + account + " forbids ";
    assertThat(report[0].get("denied").asLong()).as(report[0].toPrettyString()).isEqualTo(3);
    assertThat(report[0].get("sessions").asLong()).isEqualTo(1);
    assertThat(group(report[0], "kubectl get").get("denied").asLong()).isZero();
    assertThat(group(report[0], "kubectl logs").get("denied").asLong()).isZero();
    assertThat(group(report[0], "kubectl create configmap").get("denied").asLong()).isEqualTo(1);
    assertThat(group(report[0], "kubectl create configmap").get("example").asText())
        .isEqualTo(policy + "create on configmaps in default");
    assertThat(group(report[0], "kubectl delete").get("example").asText())
        .isEqualTo(policy + "delete on configmaps in default");
    assertThat(group(report[0], "kubectl exec").get("denied").asLong()).isEqualTo(1);
    assertThat(report[0].get("groups").get(0).get("denied").asLong()).isEqualTo(1);
    assertThat(report[0].get("groups").get(0).get("user").asText()).isEqualTo("admin");

    JsonNode none =
        world.call(
            "POST",
            "/api/v1/resources/prod/accounts/" + account + "/what-if",
            world.adminToken,
            Map.of("preset", "no-exec", "since", "1h"));
    assertThat(none.get("denied").asLong()).isEqualTo(1);
  }

  private static JsonNode group(JsonNode report, String command) {
    for (JsonNode group : report.get("groups")) {
      if (group.get("command").asText().equals(command)) {
        return group;
      }
    }
    return null;
  }

  private static void assertRefused(Kubectl.Result result, String line) {
    assertThat(result.exitCode()).as(result.stderr()).isNotZero();
    assertThat(result.stderr()).contains(line);
  }

  /** A new account on {@code prod} with these settings besides its name and token. */
  private String account(Map<String, Object> settings) {
    String name = "acct" + NEXT.incrementAndGet();
    Map<String, Object> body = new java.util.HashMap<>(settings);
    body.put("name", name);
    body.put("token", KpamWorld.STORED_TOKEN);
    world.call("POST", "/api/v1/resources/prod/accounts", world.adminToken, body);
    return name;
  }

  private AccessSession access(String account) {
    return world.access(
        "admin",
        world.adminToken,
        "prod",
        account,
        "1h",
        dir.resolve(account + "-kubeconfig"),
        Duration.ofMillis(200));
  }

  private Kubectl kubectl(String binary, String account) {
    return world.kubectl(binary, dir.resolve(account + "-kubeconfig"));
  }

  /** The messages of the session's denial events, once at least {@code count} arrived. */
  private List<String> denials(String sessionId, int count) {
    List<String> messages = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              messages.clear();
              JsonNode items =
                  world
                      .call(
                          "GET",
                          "/api/v1/sessions/" + sessionId + "/events?type=denial&limit=100",
                          world.adminToken,
                          null)
                      .get("items");
              items.forEach(item -> messages.add(item.at("/data/message").asText()));
              return messages.size() >= count;
            });
    return messages;
  }
}
