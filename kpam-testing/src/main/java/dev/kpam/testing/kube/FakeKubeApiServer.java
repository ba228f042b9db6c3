package dev.kpam.testing.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.crypto.pki.SelfSignedCertificate;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * A stand-in for a Kubernetes API server (v1.33 by default, or v1.28 or v1.24: {@link #behaveAs})
 * that the real kubectl talks to: HTTPS on loopback with its own self-signed certificate,
 * bearer-token authentication, the real discovery documents, CRUD and watch on every built-in
 * resource, pod logs, and exec, attach, cp and port-forward over both WebSocket and SPDY against
 * small fake containers. It records every request so tests can prove what reached the cluster.
 *
 * <pre>{@code
 * try (FakeKubeApiServer kube = FakeKubeApiServer.start("token-1")) {
 *   kube.addPod("default", "web");  kube.writeKubeconfig(file, "token-1");  // kubectl --kubeconfig file …
 * }
 * }</pre>
 */
public final class FakeKubeApiServer implements AutoCloseable {
  /** See {@link #webSocketExecStart}. */
  static final Duration WEBSOCKET_EXEC_START = Duration.ofMillis(20);

  private final FakeCluster cluster;
  private final EventLoopGroup group;
  private final ChannelGroup channels;
  private final Channel listener;
  private final String caCertificatePem;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FakeKubeApiServer(
      FakeCluster cluster,
      EventLoopGroup group,
      ChannelGroup channels,
      Channel listener,
      String caCertificatePem) {
    this.cluster = cluster;
    this.group = group;
    this.channels = channels;
    this.listener = listener;
    this.caCertificatePem = caCertificatePem;
  }

  /**
   * Starts a server on 127.0.0.1 with a random port that accepts only {@code Authorization: Bearer
   * acceptedBearerToken}, with the namespaces of a new cluster.
   */
  public static FakeKubeApiServer start(String acceptedBearerToken) {
    return start(acceptedBearerToken, Clock.systemUTC());
  }

  /** As {@link #start(String)}, with the clock for certificates, timestamps and ages. */
  public static FakeKubeApiServer start(String acceptedBearerToken, Clock clock) {
    if (acceptedBearerToken == null || acceptedBearerToken.isBlank()) {
      throw new IllegalArgumentException("acceptedBearerToken: blank (expected: a token)");
    }
    KeyPair keyPair = KeyPairs.generateEcP256();
    X509Certificate certificate =
        SelfSignedCertificate.create(
            keyPair,
            "kube-apiserver",
            List.of("localhost", "kubernetes.default.svc"),
            List.of("127.0.0.1"),
            Duration.ofDays(1),
            clock);
    FakeCluster cluster = new FakeCluster(acceptedBearerToken, clock);
    for (String namespace : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
      cluster.store().create(namespaces(cluster), null, namespace(cluster, namespace));
    }
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    try {
      // ALPN as a real API server: h2 for a client that offers it, else HTTP/1.1, which SPDY and
      // WebSocket upgrades need (client-go asks for http/1.1 only for those; NOTES.md).
      SslContext http2 = serverTls(keyPair, certificate, true);
      SslContext http1 = serverTls(keyPair, certificate, false);
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(new ApiServerInitializer(http2, http1, channels, cluster))
              .bind("127.0.0.1", 0)
              .syncUninterruptibly()
              .channel();
      return new FakeKubeApiServer(
          cluster, group, channels, listener, Pem.encodeCertificate(certificate));
    } catch (IOException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static SslContext serverTls(KeyPair keyPair, X509Certificate certificate, boolean http2)
      throws SSLException {
    SslContextBuilder builder =
        SslContextBuilder.forServer(keyPair.getPrivate(), certificate)
            .protocols("TLSv1.3", "TLSv1.2");
    if (http2) {
      builder.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2,
              ApplicationProtocolNames.HTTP_1_1));
    }
    return builder.build();
  }

  /** {@code https://127.0.0.1:PORT}. */
  public URI url() {
    InetSocketAddress address = (InetSocketAddress) listener.localAddress();
    return URI.create("https://127.0.0.1:" + address.getPort());
  }

  /** The server's self-signed certificate, which is also its CA, as PEM. */
  public String caCertificatePem() {
    return caCertificatePem;
  }

  /** TCP connections accepted so far (an HTTP/2 connection carries many requests). */
  public int connections() {
    return cluster.connections();
  }

  /** Every request received so far, in arrival order, including rejected ones. */
  public List<RecordedRequest> requests() {
    return cluster.requests();
  }

  /** Writes a kubeconfig with this server, its CA and {@code token}, context {@code fake}. */
  public void writeKubeconfig(Path file, String token) {
    String ca =
        Base64.getEncoder().encodeToString(caCertificatePem.getBytes(StandardCharsets.US_ASCII));
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: fake
          user:
            token: %s
        contexts:
        - name: fake
          context:
            cluster: fake
            user: fake
            namespace: default
        current-context: fake
        """
            .formatted(url(), ca, token);
    try {
      Files.writeString(file, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a namespace (Active), unless it exists. */
  public void addNamespace(String name) {
    if (!cluster.store().exists(namespaces(cluster), null, name)) {
      cluster.store().create(namespaces(cluster), null, namespace(cluster, name));
    }
  }

  /**
   * Adds a running pod with one container {@code main} (image {@code busybox}), creating its
   * namespace if needed.
   */
  public void addPod(String namespace, String name) {
    addNamespace(namespace);
    ObjectNode pod = cluster.json().createObjectNode();
    pod.putObject("metadata").put("name", name);
    ObjectNode container = pod.putObject("spec").putArray("containers").addObject();
    container.put("name", "main").put("image", "busybox");
    cluster.store().create(cluster.pods(), namespace, pod);
  }

  /** Adds a config map, creating its namespace if needed. */
  public void addConfigMap(String namespace, String name, Map<String, String> data) {
    addNamespace(namespace);
    ObjectNode configMap = cluster.json().createObjectNode();
    configMap.putObject("metadata").put("name", name);
    ObjectNode values = configMap.putObject("data");
    data.forEach(values::put);
    cluster.store().create(cluster.catalog().require("", "v1", "configmaps"), namespace, configMap);
  }

  /**
   * The stored object as JSON, if it exists; {@code group} is empty for the core group and {@code
   * namespace} null for cluster-scoped resources.
   */
  public Optional<String> object(
      String group, String version, String resource, String namespace, String name) {
    ResourceType type = cluster.catalog().require(group, version, resource);
    if (!cluster.store().exists(type, namespace, name)) {
      return Optional.empty();
    }
    return Optional.of(cluster.store().get(type, namespace, name).toString());
  }

  /** Appends a line to a pod's log; followers ({@code kubectl logs -f}) see it at once. */
  public void appendLog(String namespace, String pod, String line) {
    cluster.runtime(namespace, pod).appendLog(line);
  }

  /** Puts a file into a pod's in-memory filesystem, as if the container had written it. */
  public void writePodFile(String namespace, String pod, String path, byte[] content) {
    cluster.runtime(namespace, pod).writeFile(path, content);
  }

  /** A file of a pod's in-memory filesystem, if it exists. */
  public Optional<byte[]> readPodFile(String namespace, String pod, String path) {
    return Optional.ofNullable(cluster.runtime(namespace, pod).file(path));
  }

  /**
   * Rotates the service account's token: from now on only {@code token} is accepted, as when the
   * old token's Secret is deleted.
   */
  public void acceptToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token: blank (expected: a token)");
    }
    cluster.acceptToken(token);
  }

  /**
   * Whether new connections are offered h2 in ALPN, as a real API server does (on by default); off,
   * every client speaks HTTP/1.1, as through a proxy that does not pass HTTP/2 on.
   */
  public void offerHttp2(boolean offer) {
    cluster.offerHttp2(offer);
  }

  /**
   * The {@code SETTINGS_MAX_CONCURRENT_STREAMS} new HTTP/2 connections announce: 1000 by default,
   * what a real API server announces unless {@code --http2-max-streams-per-connection} says other.
   */
  public void maxConcurrentStreams(int streams) {
    cluster.maxConcurrentStreams(streams);
  }

  /**
   * Behaves like a real API server of {@code version} from now on: its {@code /version}, its
   * discovery (aggregated from v1.27 on, so kubectl's first command makes 3 requests instead of
   * about 30) and whether WebSocket upgrades are taken (from v1.30 on; before, kubectl retries over
   * SPDY). {@link KubeVersion#V1_33} by default.
   */
  public void behaveAs(KubeVersion version) {
    cluster.behaveAs(version);
  }

  /**
   * How long after its 101 a WebSocket exec's process starts: a real API server upgrades the client
   * first and only then reaches the kubelet, which has the runtime start the process, so output
   * never shares the 101's packet. kubectl depends on that: it registers its streams just after the
   * 101, and client-go's reader drops frames of streams it does not know yet ("Unknown stream id 1,
   * discarding message", then "error: closed all streams"). Zero sends a short command's output
   * with the 101, for tests of a proxy's switch to a byte pipe with a client that has no such race.
   */
  public void webSocketExecStart(Duration delay) {
    cluster.webSocketExecStart(delay);
  }

  /** Closes the listener and every connection (ending watches and streams), then the threads. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static ResourceType namespaces(FakeCluster cluster) {
    return cluster.catalog().require("", "v1", "namespaces");
  }

  private static ObjectNode namespace(FakeCluster cluster, String name) {
    ObjectNode namespace = cluster.json().createObjectNode();
    namespace.putObject("metadata").put("name", name);
    return namespace;
  }
}
