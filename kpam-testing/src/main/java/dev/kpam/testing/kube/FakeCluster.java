package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The state behind one {@link FakeKubeApiServer}: objects, pod runtimes, recorded requests. */
final class FakeCluster {
  /** Requests kept for assertions; a test that makes more is misusing the fake. */
  private static final int MAX_RECORDED = 100_000;

  private volatile String acceptedToken;
  private final ObjectMapper json = new ObjectMapper();
  private final ResourceCatalog catalog = new ResourceCatalog(json);
  private final AggregatedDiscovery aggregatedDiscovery = new AggregatedDiscovery(json, catalog);
  private volatile KubeVersion version = KubeVersion.V1_33;
  private final ObjectStore store;
  private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private volatile boolean offerHttp2 = true;
  private volatile int maxConcurrentStreams = 1000;
  private volatile Duration webSocketExecStart = FakeKubeApiServer.WEBSOCKET_EXEC_START;

  FakeCluster(String acceptedToken, Clock clock) {
    this.acceptedToken = acceptedToken;
    this.store = new ObjectStore(clock);
  }

  String acceptedToken() {
    return acceptedToken;
  }

  void acceptToken(String token) {
    this.acceptedToken = token;
  }

  ObjectMapper json() {
    return json;
  }

  ResourceCatalog catalog() {
    return catalog;
  }

  AggregatedDiscovery aggregatedDiscovery() {
    return aggregatedDiscovery;
  }

  KubeVersion version() {
    return version;
  }

  /** Behaves like {@code version} from now on, WebSocket upgrades included. */
  void behaveAs(KubeVersion version) {
    this.version = version;
  }

  ObjectStore store() {
    return store;
  }

  ResourceType pods() {
    return catalog.require("", "v1", "pods");
  }

  PodRuntime runtime(String namespace, String pod) {
    return runtimes.computeIfAbsent(namespace + "/" + pod, k -> new PodRuntime());
  }

  void record(RecordedRequest request) {
    synchronized (requests) {
      if (requests.size() < MAX_RECORDED) {
        requests.add(request);
      }
    }
  }

  void connected() {
    connections.incrementAndGet();
  }

  int connections() {
    return connections.get();
  }

  List<RecordedRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  boolean offerHttp2() {
    return offerHttp2;
  }

  void offerHttp2(boolean offer) {
    this.offerHttp2 = offer;
  }

  int maxConcurrentStreams() {
    return maxConcurrentStreams;
  }

  void maxConcurrentStreams(int streams) {
    this.maxConcurrentStreams = streams;
  }

  boolean refuseWebSockets() {
    return !version.webSockets();
  }

  Duration webSocketExecStart() {
    return webSocketExecStart;
  }

  void webSocketExecStart(Duration delay) {
    this.webSocketExecStart = delay;
  }
}
