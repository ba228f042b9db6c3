/**
 * Keys, certificates and the kpam certificate authority: ECDSA P-256 keys, PEM, PKCS#10 requests,
 * gateway and session certificates with their {@code kpam://} identities, and key stores for TLS.
 *
 * <p>BouncyCastle is used through a provider instance held by this package, never installed
 * JVM-wide; certificates and keys handed out are the JDK's own types, so JSSE and PKIX accept them
 * as they are.
 */
package dev.kpam.crypto.pki;
