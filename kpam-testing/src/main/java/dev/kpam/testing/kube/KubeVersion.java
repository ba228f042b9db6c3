package dev.kpam.testing.kube;

import java.util.List;

/**
 * The kind of real API server a {@link FakeKubeApiServer} behaves like: what {@code /version} says,
 * which discovery it serves, and whether exec, attach and port-forward take WebSocket upgrades
 * (NOTES.md). kubectl behaves differently against each, so the path is tested against each.
 */
public enum KubeVersion {
  /**
   * No aggregated discovery: kubectl fetches {@code /api}, {@code /apis} and every group version
   * (about 30 GETs on a first command). WebSocket upgrades are refused with 403.
   */
  V1_24("24", "v1.24.17", List.of(), false),
  /**
   * Aggregated discovery {@code apidiscovery.k8s.io/v2beta1} (beta, on by default since 1.27), so a
   * first command asks {@code /api} and {@code /apis} only. WebSocket upgrades are refused with
   * 403, as by every server before 1.30, and kubectl ≥ 1.30 retries over SPDY.
   */
  V1_28("28", "v1.28.7", List.of("v2beta1"), false),
  /** Aggregated discovery {@code v2} and {@code v2beta1}; WebSocket upgrades are taken. */
  V1_33("33", "v1.33.1", List.of("v2", "v2beta1"), true);

  private final String minor;
  private final String gitVersion;
  private final List<String> aggregatedDiscovery;
  private final boolean webSockets;

  KubeVersion(
      String minor, String gitVersion, List<String> aggregatedDiscovery, boolean webSockets) {
    this.minor = minor;
    this.gitVersion = gitVersion;
    this.aggregatedDiscovery = aggregatedDiscovery;
    this.webSockets = webSockets;
  }

  /** {@code v1.28.7}. */
  public String gitVersion() {
    return gitVersion;
  }

  String minor() {
    return minor;
  }

  /** The versions of {@code apidiscovery.k8s.io} served at {@code /api} and {@code /apis}. */
  List<String> aggregatedDiscovery() {
    return aggregatedDiscovery;
  }

  /** Whether exec, attach and port-forward take WebSocket upgrades. */
  boolean webSockets() {
    return webSockets;
  }
}
