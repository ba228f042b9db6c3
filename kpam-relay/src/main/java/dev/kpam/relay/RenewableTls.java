package dev.kpam.relay;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;

/**
 * The relay's server TLS context with a certificate that can be replaced while the relay runs: each
 * new connection gets its handler from the context in use at that moment, open connections keep
 * theirs. A renewal so drops no tunnel and no client. Thread-safe.
 */
final class RenewableTls extends SslContext {
  private volatile SslContext current;

  RenewableTls(SslContext first) {
    this.current = first;
  }

  /** New connections use {@code next} from now on. */
  void use(SslContext next) {
    if (next.isClient()) {
      throw new IllegalArgumentException("next: a client context (expected: a server context)");
    }
    current = next;
  }

  @Override
  public boolean isClient() {
    return false;
  }

  @Override
  public List<String> cipherSuites() {
    return current.cipherSuites();
  }

  @Override
  @SuppressWarnings("deprecation")
  public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
    return current.applicationProtocolNegotiator();
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc) {
    return current.newEngine(alloc);
  }

  @Override
  public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return current.newEngine(alloc, peerHost, peerPort);
  }

  @Override
  public SSLSessionContext sessionContext() {
    return current.sessionContext();
  }

  // The handlers come from the current context itself, so that it makes them as it best can (the
  // OpenSSL contexts skip the JDK compatibility mode their bare engines need).

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
    return current.newHandler(alloc);
  }

  @Override
  protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
    return current.newHandler(alloc, executor);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls) {
    return current.newHandler(alloc, peerHost, peerPort);
  }

  @Override
  protected SslHandler newHandler(
      ByteBufAllocator alloc, String peerHost, int peerPort, boolean startTls, Executor executor) {
    return current.newHandler(alloc, peerHost, peerPort, executor);
  }
}
