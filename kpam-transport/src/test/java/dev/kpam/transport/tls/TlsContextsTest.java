package dev.kpam.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KpamIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsContextsTest {
  final Clock clock = Clock.systemUTC();
  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", clock);

  @Test
  void aSessionAndAGatewayAuthenticateEachOtherWithoutHostNames() {
    KeyPair gatewayKeys = KeyPairs.generateEcP256();
    X509Certificate gatewayCert =
        ca.issueGatewayCertificate(gatewayKeys.getPublic(), "dc1", Duration.ofHours(1));
    KeyPair sessionKeys = KeyPairs.generateEcP256();
    X509Certificate sessionCert =
        ca.issueSessionCertificate(
            sessionKeys.getPublic(), "s1", "dc1", clock.instant().plusSeconds(600));
    SslContext server =
        TlsContexts.server(
            gatewayKeys.getPrivate(), List.of(gatewayCert), ca.chain(), ClientAuth.REQUIRE, true);
    SslContext client =
        TlsContexts.client(sessionKeys.getPrivate(), List.of(sessionCert), ca.chain(), true);

    // The client asks for "some.other.host": no host name verification may get in the way.
    EmbeddedChannel clientChannel =
        new EmbeddedChannel(
            client.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "some.other.host", 443));
    EmbeddedChannel serverChannel =
        new EmbeddedChannel(server.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT));
    for (int round = 0; round < 10; round++) {
      shuttle(clientChannel, serverChannel);
      shuttle(serverChannel, clientChannel);
    }

    SslHandler serverTls = serverChannel.pipeline().get(SslHandler.class);
    SslHandler clientTls = clientChannel.pipeline().get(SslHandler.class);
    assertThat(serverTls.handshakeFuture().isSuccess()).isTrue();
    assertThat(clientTls.handshakeFuture().isSuccess()).isTrue();
    assertThat(PeerIdentity.of(serverTls.engine().getSession()))
        .contains(KpamIdentity.session("s1", "dc1"));
    assertThat(PeerIdentity.of(clientTls.engine().getSession()))
        .contains(KpamIdentity.gateway("dc1"));
    assertThat(PeerIdentity.leaf(clientTls.engine().getSession())).isEqualTo(gatewayCert);
    assertThat(clientTls.applicationProtocol()).isEqualTo("http/1.1");
    clientChannel.finishAndReleaseAll();
    serverChannel.finishAndReleaseAll();
  }

  @Test
  void aContextWithoutTrustedCasIsRefusedWithAReadableMessage() {
    assertThatThrownBy(() -> TlsContexts.client(null, List.of(), List.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trustedCas: [] (expected: at least one)");
  }

  private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    ByteBuf out;
    while ((out = from.readOutbound()) != null) {
      to.writeInbound(out);
    }
  }
}
