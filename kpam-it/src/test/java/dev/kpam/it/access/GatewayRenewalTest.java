package dev.kpam.it.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kpam.cli.access.AccessSession;
import dev.kpam.crypto.pki.Pem;
import dev.kpam.gateway.enroll.GatewayFiles;
import dev.kpam.gateway.enroll.GatewayIdentity;
import dev.kpam.testing.kube.Kubectl;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway renews its certificate at 2/3 of its lifetime while sessions use it (DESIGN §2), here
 * with a 30 s lifetime: kubectl keeps working across the renewal and after the first certificate
 * has expired, and a restarted gateway uses the renewed certificate from its data dir.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayRenewalTest {
  private static final Duration LIFETIME = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private KpamWorld world;

  @BeforeAll
  void start() {
    world = KpamWorld.start(dir, server -> server.gatewayCertificateLifetime(LIFETIME));
  }

  @AfterAll
  void stop() {
    if (world != null) world.close();
  }

  @Test
  void kubectlKeepsWorkingWhileTheGatewayRenewsAndAfterItsFirstCertificateExpired()
      throws Exception {
    X509Certificate first = certificateOnDisk();
    Instant firstExpiry = first.getNotAfter().toInstant();
    Path kubeconfig = dir.resolve("renewal-kubeconfig");
    AccessSession access = world.access("1h", kubeconfig);
    Kubectl kubectl = world.kubectl(Kubectl.V1_33, kubeconfig);
    Process exec = kubectl.start("exec", "-i", "web", "--", "cat");
    try {
      StringBuffer execOut = Processes.collect(exec.getInputStream());
      StringBuffer execErr = Processes.collect(exec.getErrorStream());
      OutputStream stdin = exec.getOutputStream();
      stdin.write("before renewal\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> execOut.toString().contains("before renewal"));

      List<Kubectl.Result> runs = new ArrayList<>();
      await()
          .atMost(LIFETIME.plusSeconds(15))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () -> {
                runs.add(kubectl.run("get", "pods", "--request-timeout=10s"));
                return Instant.now().isAfter(firstExpiry.plusSeconds(1));
              });

      assertThat(runs)
          .hasSizeGreaterThan(5)
          .allSatisfy(run -> assertThat(run.exitCode()).as(run.stderr()).isZero());
      stdin.write("after expiry\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> execOut.toString().contains("after expiry"));
      assertThat(exec.isAlive()).as(execErr.toString()).isTrue();
      X509Certificate renewed = certificateOnDisk();
      assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
      assertThat(world.gateway().certificateNotAfter()).isAfter(firstExpiry);
      assertThat(world.plane.relay().connectedGateways()).containsKey(world.gatewayId);
      // One renewal at start (the CA backdates notBefore by a minute, so a 30 s certificate is due
      // at once) and one every 20 s; never a renewal as soon as the last one arrived.
      assertThat(renewals()).isBetween(1, 3);

      world.stopGateway();
      GatewayIdentity stored = GatewayFiles.in(dir.resolve("gateway")).load();
      assertThat(stored.certificate().getNotAfter()).isAfter(first.getNotAfter());
      assertThat(keyMatchesCertificate(stored)).isTrue();
      world.startGateway();
      assertThat(world.gateway().certificateNotAfter())
          .isAfterOrEqualTo(stored.certificate().getNotAfter().toInstant());
      Kubectl.Result afterRestart = kubectl.run("get", "pods");
      assertThat(afterRestart.exitCode()).as(afterRestart.stderr()).isZero();
      assertThat(afterRestart.stdout()).contains("web");
    } finally {
      Processes.destroy(exec);
      access.close();
    }
  }

  private static X509Certificate certificateOnDisk() throws Exception {
    return Pem.parseCertificate(
        Files.readString(dir.resolve("gateway").resolve("gateway.crt"), StandardCharsets.US_ASCII));
  }

  private int renewals() {
    return world
        .call("GET", "/api/v1/audit?action=gateway.certificate.renew", world.adminToken, null)
        .get("items")
        .size();
  }

  /** A certificate saved without its new key would leave a gateway that cannot start. */
  private static boolean keyMatchesCertificate(GatewayIdentity identity)
      throws GeneralSecurityException {
    byte[] probe = "kpam".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(identity.key());
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(identity.certificate().getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }
}
