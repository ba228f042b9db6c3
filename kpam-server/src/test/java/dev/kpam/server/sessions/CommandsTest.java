package dev.kpam.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kpam.protocol.sessions.SessionCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Command lines and statuses from the requests kubectl 1.33 sends: discovery first (the line never
 * comes from it), then the resource requests.
 */
class CommandsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
  private static final String KUBECTL = "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0";
  private static final String DEPLOYMENT =
      "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
          + "\"namespace\":\"default\"},\"spec\":{\"replicas\":2}}";

  static Stream<Arguments> kubectlInvocations() {
    return Stream.of(
        Arguments.of(
            "kubectl get pods -n web",
            200,
            0,
            kubectl(
                "kubectl get",
                discovery("/api"),
                discovery("/apis"),
                get("/api/v1/namespaces/web/pods", "limit=500", 200))),
        Arguments.of(
            "kubectl get pod web -n default",
            200,
            0,
            kubectl(
                "kubectl get",
                discovery("/api"),
                get("/api/v1/namespaces/default/pods/web", "", 200))),
        Arguments.of(
            "kubectl get deployments -n web",
            200,
            0,
            kubectl(
                "kubectl get",
                discovery("/apis"),
                discovery("/apis/apps/v1"),
                get("/apis/apps/v1/namespaces/web/deployments", "limit=500", 200))),
        Arguments.of(
            "kubectl get ingress shop -n web",
            404,
            1,
            kubectl(
                "kubectl get",
                get("/apis/networking.k8s.io/v1/namespaces/web/ingresses/shop", "", 404))),
        Arguments.of(
            "kubectl delete configmap x -n default",
            200,
            0,
            kubectl(
                "kubectl delete",
                discovery("/api"),
                discovery("/apis"),
                request("DELETE", "/api/v1/namespaces/default/configmaps/x", "", 200, null),
                get(
                    "/api/v1/namespaces/default/configmaps",
                    "fieldSelector=metadata.name%3Dx",
                    200))),
        Arguments.of(
            "kubectl delete configmap recorded-cm -n default",
            200,
            0,
            kubectl(
                "kubectl delete",
                request(
                    "DELETE", "/api/v1/namespaces/default/configmaps/recorded-cm", "", 200, null),
                get("/api/v1/namespaces/default/configmaps/recorded-cm", "", 404))),
        Arguments.of(
            "kubectl delete pod gone -n default",
            404,
            1,
            kubectl(
                "kubectl delete",
                request("DELETE", "/api/v1/namespaces/default/pods/gone", "", 404, null))),
        Arguments.of(
            "kubectl apply deployment web -n default",
            201,
            0,
            kubectl(
                "kubectl apply",
                discovery("/openapi/v3"),
                discovery("/openapi/v3/apis/apps/v1"),
                get("/apis/apps/v1/namespaces/default/deployments/web", "", 404),
                request(
                    "POST",
                    "/apis/apps/v1/namespaces/default/deployments",
                    "fieldManager=kubectl-client-side-apply&fieldValidation=Strict",
                    201,
                    DEPLOYMENT))),
        Arguments.of(
            "kubectl apply deployment web -n default",
            200,
            0,
            kubectl(
                "kubectl apply",
                discovery("/openapi/v3"),
                get("/apis/apps/v1/namespaces/default/deployments/web", "", 200),
                request(
                    "PATCH",
                    "/apis/apps/v1/namespaces/default/deployments/web",
                    "fieldManager=kubectl-client-side-apply",
                    200,
                    "{\"spec\":{\"replicas\":2}}"))),
        Arguments.of(
            "kubectl apply configmap recorded-cm -n default",
            201,
            0,
            kubectl(
                "kubectl apply",
                get("/api/v1/namespaces/default/configmaps/recorded-cm", "", 404),
                request(
                    "POST",
                    "/api/v1/namespaces/default/configmaps",
                    "fieldManager=kubectl-client-side-apply",
                    201,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"recorded-cm\"") /* cut at the cap */)),
        Arguments.of(
            "kubectl create secret from-literal -n default",
            201,
            0,
            kubectl(
                "kubectl create",
                request(
                    "POST",
                    "/api/v1/namespaces/default/secrets",
                    "fieldManager=kubectl-create",
                    201,
                    "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"from-literal\"},\"data\":{\"password\":\"<redacted>\"}}"))),
        Arguments.of(
            "kubectl apply deployment web -n default",
            201,
            0,
            kubectl(
                "kubectl apply",
                notFound("/openapi/v3"),
                discovery("/openapi/v2"),
                get("/apis/apps/v1/namespaces/default/deployments/web", "", 404),
                request(
                    "POST",
                    "/apis/apps/v1/namespaces/default/deployments",
                    "fieldManager=kubectl-client-side-apply",
                    201,
                    DEPLOYMENT))),
        Arguments.of(
            "kubectl get pod web -n default",
            404,
            1,
            kubectl(
                "kubectl get",
                notFound("/openapi/v3"),
                get("/api/v1/namespaces/default/pods/web", "", 404))),
        Arguments.of(
            "kubectl apply configmap a b -n default",
            422,
            1,
            kubectl(
                "kubectl apply",
                get("/api/v1/namespaces/default/configmaps/a", "", 200),
                request("PATCH", "/api/v1/namespaces/default/configmaps/a", "", 200, "{}"),
                get("/api/v1/namespaces/default/configmaps/b", "", 200),
                request("PATCH", "/api/v1/namespaces/default/configmaps/b", "", 422, "{}"))),
        Arguments.of(
            "kubectl exec -it api-7d9 -- sh",
            101,
            0,
            kubectl(
                "kubectl exec",
                get("/api/v1/namespaces/default/pods/api-7d9", "", 200),
                get(
                    "/api/v1/namespaces/default/pods/api-7d9/exec",
                    "command=sh&stdin=true&stdout=true&tty=true",
                    101))),
        Arguments.of(
            "kubectl exec api-7d9 -c api -- sh -c 'ls -la /'",
            101,
            0,
            kubectl(
                "kubectl exec",
                get("/api/v1/namespaces/default/pods/api-7d9", "", 200),
                request(
                    "POST",
                    "/api/v1/namespaces/default/pods/api-7d9/exec",
                    "command=sh&command=-c&command=ls+-la+%2F&container=api&stdout=true&stderr=true",
                    101,
                    null))),
        Arguments.of(
            "kubectl exec -i api-7d9 -- sh",
            403,
            1,
            kubectl(
                "kubectl exec",
                get("/api/v1/namespaces/default/pods/api-7d9", "", 200),
                get("/api/v1/namespaces/default/pods/api-7d9/exec", "command=sh&stdin=true", 403))),
        Arguments.of(
            "kubectl logs web -f",
            200,
            0,
            kubectl(
                "kubectl logs",
                get("/api/v1/namespaces/default/pods/web", "", 200),
                get("/api/v1/namespaces/default/pods/web/log", "container=web&follow=true", 200))),
        Arguments.of(
            "kubectl logs web",
            200,
            0,
            kubectl(
                "kubectl logs",
                get("/api/v1/namespaces/default/pods/web", "", 200),
                get("/api/v1/namespaces/default/pods/web/log", "container=web", 200))),
        Arguments.of(
            "kubectl port-forward web 8080",
            101,
            0,
            kubectl(
                "kubectl port-forward",
                get("/api/v1/namespaces/default/pods/web", "", 200),
                get("/api/v1/namespaces/default/pods/web/portforward", "", 101))),
        Arguments.of(
            "kubectl delete configmap fid-made fid-other -n default",
            200,
            0,
            kubectl(
                "kubectl delete",
                request("DELETE", "/api/v1/namespaces/default/configmaps/fid-made", "", 200, null),
                request(
                    "DELETE", "/api/v1/namespaces/default/configmaps/fid-other", "", 200, null))),
        Arguments.of(
            "kubectl create configmap fid-made -n default",
            201,
            0,
            kubectl(
                "kubectl create configmap",
                request(
                    "POST",
                    "/api/v1/namespaces/default/configmaps",
                    "fieldManager=kubectl-create",
                    201,
                    object("ConfigMap", "fid-made", null)))),
        Arguments.of(
            "kubectl run fid-pod -n default",
            201,
            0,
            kubectl(
                "kubectl run",
                request(
                    "POST",
                    "/api/v1/namespaces/default/pods",
                    "fieldManager=kubectl-run",
                    201,
                    object("Pod", "fid-pod", null)))),
        Arguments.of(
            "kubectl apply deployment/web service/web -n web",
            201,
            0,
            kubectl(
                "kubectl apply",
                get("/apis/apps/v1/namespaces/web/deployments/web", "", 404),
                request(
                    "POST",
                    "/apis/apps/v1/namespaces/web/deployments",
                    "",
                    201,
                    object("Deployment", "web", "web")),
                get("/api/v1/namespaces/web/services/web", "", 404),
                request(
                    "POST",
                    "/api/v1/namespaces/web/services",
                    "",
                    201,
                    object("Service", "web", "web")))),
        Arguments.of(
            "kubectl apply configmap c1 c2 c3 c4 c5 -n default and 2 more",
            200,
            0,
            kubectl(
                "kubectl apply",
                Stream.of("c1", "c2", "c3", "c4", "c5", "c6", "c7")
                    .map(
                        n ->
                            request(
                                "PATCH",
                                "/api/v1/namespaces/default/configmaps/" + n,
                                "",
                                200,
                                "{}"))
                    .toArray(RecordedRequest[]::new))),
        Arguments.of(
            "kubectl scale deployment web --replicas=3 -n default",
            200,
            0,
            kubectl(
                "kubectl scale",
                get("/apis/apps/v1/namespaces/default/deployments/web", "", 200),
                request(
                    "PATCH",
                    "/apis/apps/v1/namespaces/default/deployments/web/scale",
                    "",
                    200,
                    "{\"spec\":{\"replicas\":3}}"))),
        Arguments.of(
            "kubectl label pod web tier- 'team=a b' -n default",
            200,
            0,
            kubectl(
                "kubectl label",
                request(
                    "PATCH",
                    "/api/v1/namespaces/default/pods/web",
                    "",
                    200,
                    "{\"metadata\":{\"labels\":{\"tier\":null,\"team\":\"a b\"}}}"))),
        Arguments.of(
            "kubectl rollout restart deployment web -n default",
            200,
            0,
            kubectl(
                "kubectl rollout restart",
                get("/apis/apps/v1/namespaces/default/deployments/web", "", 200),
                request(
                    "PATCH",
                    "/apis/apps/v1/namespaces/default/deployments/web",
                    "fieldManager=kubectl-rollout",
                    200,
                    "{\"spec\":{}}"))),
        Arguments.of(
            "kubectl exec fid-pod -c fid-pod -- echo fid-exec",
            101,
            0,
            kubectl(
                "kubectl exec",
                get("/api/v1/namespaces/default/pods/fid-pod", "", 200),
                get(
                    "/api/v1/namespaces/default/pods/fid-pod/exec",
                    "command=echo&command=fid-exec&container=fid-pod&stdout=true&stderr=true",
                    403),
                request(
                    "POST",
                    "/api/v1/namespaces/default/pods/fid-pod/exec",
                    "command=echo&command=fid-exec&container=fid-pod&stdout=true&stderr=true",
                    101,
                    null))),
        Arguments.of(
            "kubectl cp (local) web:/tmp -c app",
            101,
            0,
            kubectl(
                "kubectl cp",
                get("/api/v1/namespaces/default/pods/web", "", 200),
                request(
                    "POST",
                    "/api/v1/namespaces/default/pods/web/exec",
                    "command=tar&command=xmf&command=-&command=-C&command=%2Ftmp&container=app&stdin=true",
                    101,
                    null))),
        Arguments.of(
            "kubectl cp web:/etc/hosts (local)",
            101,
            0,
            kubectl(
                "kubectl cp",
                request(
                    "POST",
                    "/api/v1/namespaces/default/pods/web/exec",
                    "command=tar&command=cf&command=-&command=%2Fetc%2Fhosts&stdout=true",
                    101,
                    null))),
        Arguments.of(
            "kubectl api-resources",
            200,
            0,
            kubectl("kubectl api-resources", discovery("/api"), discovery("/apis"))),
        Arguments.of(
            "GET /api/v1/namespaces", 200, 0, List.of(get("/api/v1/namespaces", "", 200))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubectlInvocations")
  void eachKubectlInvocationReadsAsTheCommandThatWasTyped(
      String line, int status, int errors, List<RecordedRequest> requests) {
    List<SessionCommand> commands =
        Commands.of(
            new ArrayList<>(requests), Map.of("r-pf", new StreamOutcome(List.of("8080"), null)));

    assertThat(commands).hasSize(1);
    SessionCommand command = commands.get(0);
    assertThat(command.line()).isEqualTo(line);
    assertThat(command.status()).as("status").isEqualTo(status);
    assertThat(command.errors()).as("errors").isEqualTo(errors);
    assertThat(command.requests()).isEqualTo(requests.size());
  }

  @Test
  void requestsGroupByKubectlSessionAndCommandsFollowTheirFirstRequestsStart() {
    // logs -f starts first and ends last; the get in between ends earlier but started later.
    RecordedRequest logsPod =
        at(
            1,
            100,
            10,
            "kubectl logs",
            "k-logs",
            "GET",
            "/api/v1/namespaces/default/pods/web",
            "",
            200);
    RecordedRequest get =
        at(2, 400, 20, "kubectl get", "k-get", "GET", "/api/v1/namespaces/default/pods", "", 200);
    RecordedRequest bare = at(3, 500, 5, null, null, "GET", "/version", "", 200);
    RecordedRequest logs =
        at(
            4,
            9000,
            8800,
            "kubectl logs",
            "k-logs",
            "GET",
            "/api/v1/namespaces/default/pods/web/log",
            "follow=true",
            200);

    List<SessionCommand> commands =
        Commands.of(new ArrayList<>(List.of(logsPod, get, bare, logs)), Map.of());

    assertThat(commands)
        .extracting(SessionCommand::line)
        .containsExactly("kubectl logs web -f", "kubectl get pods -n default", "GET /version");
    assertThat(commands).extracting(SessionCommand::index).containsExactly(0, 1, 2);
    SessionCommand first = commands.get(0);
    assertThat(first.requestIds()).containsExactly("r-1", "r-4");
    assertThat(first.kubectlSession()).isEqualTo("k-logs");
    assertThat(first.startedAt()).isEqualTo(T0.plusMillis(90));
    assertThat(first.endedAt()).isEqualTo(T0.plusMillis(9000));
    assertThat(first.durationMs()).isEqualTo(8910);
    assertThat(commands.get(2).kubectlSession()).isNull();
  }

  @Test
  void discoveryWithoutAKubectlSessionFoldsIntoTheCommandThatFollows() {
    // The default kubectl's dispatcher asks /version (no Kubectl-* headers) before the real one.
    RecordedRequest version = at(1, 10, 5, null, null, "GET", "/version", "timeout=5s", 200);
    RecordedRequest get =
        at(2, 300, 50, "kubectl get", "ks-1", "GET", "/api/v1/namespaces/web/pods", "", 200);
    // Without command headers: discovery, then the request, each without a session.
    RecordedRequest api = at(3, 5_000, 5, null, null, "GET", "/api", "", 200);
    RecordedRequest bare =
        at(4, 5_100, 20, null, null, "GET", "/api/v1/namespaces/web/secrets", "", 200);
    // A last lone probe, with nothing after it, stays a command.
    RecordedRequest lone = at(5, 60_000, 5, null, null, "GET", "/version", "", 200);

    List<SessionCommand> commands =
        Commands.of(new ArrayList<>(List.of(version, get, api, bare, lone)), Map.of());

    assertThat(commands)
        .extracting(SessionCommand::line)
        .containsExactly(
            "kubectl get pods -n web", "GET /api/v1/namespaces/web/secrets", "GET /version");
    assertThat(commands.get(0).requests()).isEqualTo(2);
    assertThat(commands.get(0).kubectlSession()).isEqualTo("ks-1");
    assertThat(commands.get(1).requests()).isEqualTo(2);
  }

  @Test
  void discoveryLongBeforeTheNextCommandIsNotFoldedIntoIt() {
    RecordedRequest version = at(1, 10, 5, null, null, "GET", "/version", "", 200);
    RecordedRequest get =
        at(2, 30_000, 50, "kubectl get", "ks-1", "GET", "/api/v1/namespaces/web/pods", "", 200);

    assertThat(Commands.of(new ArrayList<>(List.of(version, get)), Map.of()))
        .extracting(SessionCommand::line)
        .containsExactly("GET /version", "kubectl get pods -n web");
  }

  @Test
  void aWebSocketRefusedBeforeTheSpdyRetryIsNotedButIsNotTheResult() {
    List<RecordedRequest> requests =
        kubectl(
            "kubectl attach",
            get("/api/v1/namespaces/default/pods/web/attach", "stdout=true", 403),
            request(
                "POST", "/api/v1/namespaces/default/pods/web/attach", "stdout=true", 101, null));

    SessionCommand command = Commands.of(new ArrayList<>(requests), Map.of()).get(0);

    assertThat(command.status()).isEqualTo(101);
    assertThat(command.errors()).isZero();
    assertThat(command.note()).isEqualTo(Commands.RETRIED_OVER_SPDY);
    assertThat(command.requests()).isEqualTo(2);
  }

  @Test
  void aWebSocketRefusedWithoutARetryIsTheResult() {
    List<RecordedRequest> requests =
        kubectl("kubectl exec", get("/api/v1/namespaces/default/pods/web/exec", "command=sh", 403));

    SessionCommand command = Commands.of(new ArrayList<>(requests), Map.of()).get(0);

    assertThat(command.status()).isEqualTo(403);
    assertThat(command.note()).isNull();
  }

  @Test
  void anExecCarriesTheExitCodeItsStreamReported() {
    List<RecordedRequest> requests =
        kubectl(
            "kubectl exec",
            get("/api/v1/namespaces/default/pods/web", "", 200),
            request(
                "POST",
                "/api/v1/namespaces/default/pods/web/exec",
                "command=sh&command=-c&command=exit+7&stdout=true",
                101,
                null));

    SessionCommand command =
        Commands.of(new ArrayList<>(requests), Map.of("r-2", new StreamOutcome(List.of(), 7)))
            .get(0);

    assertThat(command.line()).isEqualTo("kubectl exec web -- sh -c 'exit 7'");
    assertThat(command.exitCode()).isEqualTo(7);
  }

  @Test
  void theObjectTheGatewayReadFromABodyNamesTheCreate() throws Exception {
    com.fasterxml.jackson.databind.JsonNode data =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"id\":\"r-1\",\"method\":\"POST\",\"path\":\"/api/v1/namespaces/default/configmaps\","
                    + "\"verb\":\"create\",\"resource\":\"configmaps\",\"namespace\":\"default\","
                    + "\"resourceRequest\":true,\"status\":201,\"kubectlCommand\":\"kubectl create configmap\","
                    + "\"kubectlSession\":\"ks-1\",\"body\":null,"
                    + "\"bodyType\":\"application/vnd.kubernetes.protobuf\","
                    + "\"object\":{\"kind\":\"ConfigMap\",\"name\":\"fid-made\",\"namespace\":\"default\"}}");

    RecordedRequest request = RecordedRequest.of(1, T0, data, false);

    assertThat(request.object())
        .isEqualTo(
            new RecordedRequest.BodyObject(
                "ConfigMap", "fid-made", "default", null, RecordedRequest.Settings.NONE));
    assertThat(Commands.of(new ArrayList<>(List.of(request)), Map.of()).get(0).line())
        .isEqualTo("kubectl create configmap fid-made -n default");
  }

  @Test
  void resourcesReadInTheSingularForOneObject() {
    assertThat(
            Stream.of(
                    "pods",
                    "ingresses",
                    "networkpolicies",
                    "endpoints",
                    "storageclasses",
                    "configmaps")
                .map(CommandLine::singular))
        .containsExactly(
            "pod", "ingress", "networkpolicy", "endpoints", "storageclass", "configmap");
  }

  private static List<RecordedRequest> kubectl(String command, RecordedRequest... requests) {
    List<RecordedRequest> stamped = new ArrayList<>();
    for (int i = 0; i < requests.length; i++) {
      RecordedRequest r = requests[i];
      boolean portForward = "portforward".equals(r.subresource());
      stamped.add(
          new RecordedRequest(
              i + 1,
              T0.plusMillis(100L * (i + 1)),
              portForward ? "r-pf" : "r-" + (i + 1),
              r.method(),
              r.path(),
              r.query(),
              r.verb(),
              r.resource(),
              r.subresource(),
              r.namespace(),
              r.name(),
              r.resourceRequest(),
              r.status(),
              20,
              command,
              "5a9c1e7b-" + command.hashCode(),
              r.userAgent(),
              r.object(),
              false,
              null));
    }
    return stamped;
  }

  private static RecordedRequest discovery(String path) {
    return new RecordedRequest(
        0,
        T0,
        null,
        "GET",
        path,
        "timeout=32s",
        "get",
        null,
        null,
        null,
        null,
        path.startsWith("/apis/") && path.split("/").length == 4,
        200,
        0,
        null,
        null,
        KUBECTL,
        RecordedRequest.BodyObject.NONE,
        false,
        null);
  }

  /** A discovery document the API server does not have (v1.24 has no {@code /openapi/v3}). */
  private static RecordedRequest notFound(String path) {
    RecordedRequest r = discovery(path);
    return new RecordedRequest(
        0,
        T0,
        null,
        "GET",
        path,
        r.query(),
        "get",
        null,
        null,
        null,
        null,
        false,
        404,
        0,
        null,
        null,
        KUBECTL,
        RecordedRequest.BodyObject.NONE,
        false,
        null);
  }

  /** A JSON body naming its object, as the gateway's {@code object} would. */
  private static String object(String kind, String name, String namespace) {
    return "{\"kind\":\""
        + kind
        + "\",\"metadata\":{\"name\":\""
        + name
        + "\""
        + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
        + "}}";
  }

  private static RecordedRequest get(String path, String query, int status) {
    return request("GET", path, query, status, null);
  }

  private static RecordedRequest at(
      long seq,
      long endMs,
      long latencyMs,
      String command,
      String session,
      String method,
      String path,
      String query,
      int status) {
    RecordedRequest r = request(method, path, query, status, null);
    return new RecordedRequest(
        seq,
        T0.plusMillis(endMs),
        "r-" + seq,
        method,
        path,
        query,
        r.verb(),
        r.resource(),
        r.subresource(),
        r.namespace(),
        r.name(),
        r.resourceRequest(),
        status,
        latencyMs,
        command,
        session,
        KUBECTL,
        RecordedRequest.BodyObject.NONE,
        false,
        null);
  }

  /** A resource request with its path parsed the way the API server's RequestInfoFactory does. */
  private static RecordedRequest request(
      String method, String path, String query, int status, String body) {
    String[] parts = path.substring(1).split("/");
    int i = parts[0].equals("api") ? 2 : 3;
    if (parts.length <= i) {
      return new RecordedRequest(
          0,
          T0,
          null,
          method,
          path,
          query,
          method.toLowerCase(),
          null,
          null,
          null,
          null,
          false,
          status,
          0,
          null,
          null,
          KUBECTL,
          RecordedRequest.BodyObject.of(body),
          false,
          null);
    }
    String namespace = null;
    if (parts[i].equals("namespaces") && parts.length > i + 2) {
      namespace = parts[i + 1];
      i += 2;
    }
    String resource = parts[i];
    String name = parts.length > i + 1 ? parts[i + 1] : null;
    String subresource = parts.length > i + 2 ? parts[i + 2] : null;
    String verb =
        switch (method) {
          case "GET" -> name == null ? "list" : "get";
          case "POST" -> "create";
          case "PATCH" -> "patch";
          case "PUT" -> "update";
          case "DELETE" -> "delete";
          default -> method.toLowerCase();
        };
    return new RecordedRequest(
        0,
        T0,
        null,
        method,
        path,
        query,
        verb,
        resource,
        subresource,
        namespace,
        name,
        true,
        status,
        0,
        null,
        null,
        KUBECTL,
        RecordedRequest.BodyObject.of(body),
        false,
        null);
  }
}
