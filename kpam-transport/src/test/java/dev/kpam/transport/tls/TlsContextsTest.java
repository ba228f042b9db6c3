package dev.kpam.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kpam.crypto.pki.CertificateAuthority;
import dev.kpam.crypto.pki.KeyPairs;
import dev.kpam.crypto.pki.KpamIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
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
  void aSecondConnectionToTheSamePeerResumesAndStillKnowsTheClient() throws Exception {
    assumeTrue(
        TlsContexts.provider() == SslProvider.OPENSSL, "resumption is checked with OpenSSL only");
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

    Handshake first = handshake(client, server, "dc1.gateway.kpam");
    Handshake second = handshake(client, server, "dc1.gateway.kpam");

    // A resumed handshake sends no certificates: the server's side shrinks by the chain's size.
    int chainBytes = gatewayCert.getEncoded().length;
    assertThat(second.serverBytes()).isLessThan(first.serverBytes() - chainBytes);
    assertThat(PeerIdentity.of(second.server().engine().getSession()))
        .as("the gateway still sees the session certificate on a resumed handshake")
        .contains(KpamIdentity.session("s1", "dc1"));
    assertThat(PeerIdentity.of(second.client().engine().getSession()))
        .contains(KpamIdentity.gateway("dc1"));
  }

  private record Handshake(SslHandler client, SslHandler server, int serverBytes) {}

  /** One connection's handshake in memory. */
  private static Handshake handshake(SslContext client, SslContext server, String peerHost)
      throws Exception {
    EmbeddedChannel clientChannel =
        new EmbeddedChannel(client.newHandler(ByteBufAllocator.DEFAULT, peerHost, 443));
    EmbeddedChannel serverChannel =
        new EmbeddedChannel(server.newHandler(ByteBufAllocator.DEFAULT));
    int serverBytes = 0;
    for (int round = 0; round < 10; round++) {
      shuttle(clientChannel, serverChannel);
      serverBytes += shuttle(serverChannel, clientChannel);
    }
    // A request and its answer: TLS 1.3 tickets travel after the handshake.
    clientChannel.writeOutbound(Unpooled.copiedBuffer("GET", StandardCharsets.US_ASCII));
    shuttle(clientChannel, serverChannel);
    serverChannel.writeOutbound(Unpooled.copiedBuffer("200", StandardCharsets.US_ASCII));
    shuttle(serverChannel, clientChannel);
    ReferenceCountUtil.release(serverChannel.readInbound());
    ReferenceCountUtil.release(clientChannel.readInbound());
    SslHandler clientTls = clientChannel.pipeline().get(SslHandler.class);
    SslHandler serverTls = serverChannel.pipeline().get(SslHandler.class);
    assertThat(clientTls.handshakeFuture().isSuccess()).isTrue();
    assertThat(serverTls.handshakeFuture().isSuccess()).isTrue();
    clientChannel.finishAndReleaseAll();
    serverChannel.finishAndReleaseAll();
    return new Handshake(clientTls, serverTls, serverBytes);
  }

  @Test
  void aContextWithoutTrustedCasIsRefusedWithAReadableMessage() {
    assertThatThrownBy(() -> TlsContexts.client(null, List.of(), List.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trustedCas: [] (expected: at least one)");
  }

  /** Moves what {@code from} wrote to {@code to}; returns how many bytes that was. */
  private static int shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    int bytes = 0;
    ByteBuf out;
    while ((out = from.readOutbound()) != null) {
      bytes += out.readableBytes();
      to.writeInbound(out);
    }
    return bytes;
  }
}
