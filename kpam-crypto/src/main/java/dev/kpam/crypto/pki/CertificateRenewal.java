package dev.kpam.crypto.pki;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * When a part renews its short-lived certificate: at 2/3 of the lifetime, counted from when the
 * certificate arrived or from its notBefore if that is later. The CA backdates notBefore by a
 * minute for clock skew: counted from notBefore alone, a certificate of 30 s or less would be due
 * as soon as it arrives (the part would renew in a tight loop) and one of a few minutes far too
 * early.
 *
 * <pre>{@code
 * Duration wait = CertificateRenewal.delay(certificate, receivedAt, clock.instant());
 * scheduler.schedule(this::renew, wait.toMillis(), TimeUnit.MILLISECONDS);
 * }</pre>
 */
public final class CertificateRenewal {
  private CertificateRenewal() {}

  /** The instant {@code certificate}, which arrived at {@code received}, is due for renewal. */
  public static Instant due(X509Certificate certificate, Instant received) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant start = received.isAfter(notBefore) ? received : notBefore;
    Instant notAfter = certificate.getNotAfter().toInstant();
    return start.plus(Duration.between(start, notAfter).multipliedBy(2).dividedBy(3));
  }

  /** How long from {@code now} until {@link #due}; zero when it is already due. */
  public static Duration delay(X509Certificate certificate, Instant received, Instant now) {
    Duration delay = Duration.between(now, due(certificate, received));
    return delay.isNegative() ? Duration.ZERO : delay;
  }
}
