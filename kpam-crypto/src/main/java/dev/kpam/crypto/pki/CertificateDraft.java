package dev.kpam.crypto.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.util.IPAddress;

/** A certificate being put together: validity, names and extensions, then signed once. */
final class CertificateDraft {
  /** Backdating of notBefore, so that a peer whose clock is a little behind accepts the cert. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private final JcaX509v3CertificateBuilder builder;
  private final JcaX509ExtensionUtils extensionUtils;

  CertificateDraft(
      X500Name issuer, X500Name subject, PublicKey key, Instant notBefore, Instant notAfter) {
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter: " + notAfter + " (expected: after notBefore, " + notBefore + ")");
    }
    this.builder =
        new JcaX509v3CertificateBuilder(
            issuer, randomSerial(), Date.from(notBefore), Date.from(notAfter), subject, key);
    try {
      this.extensionUtils = new JcaX509ExtensionUtils();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1 for key identifiers", e);
    }
    add(Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(key));
  }

  CertificateDraft add(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (CertIOException e) {
      throw new IllegalArgumentException("extension " + oid + " cannot be encoded", e);
    }
    return this;
  }

  /**
   * Names the issuer's key by its subject key identifier alone (RFC 5280 4.2.1.1), not by issuer
   * name and serial, so that certificates stay valid under a re-issued CA with the same key.
   */
  CertificateDraft issuedBy(X509Certificate issuer) {
    byte[] extension = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    try {
      return add(
          Extension.authorityKeyIdentifier,
          false,
          extension == null
              ? extensionUtils.createAuthorityKeyIdentifier(issuer.getPublicKey())
              : new AuthorityKeyIdentifier(
                  SubjectKeyIdentifier.getInstance(
                          JcaX509ExtensionUtils.parseExtensionValue(extension))
                      .getKeyIdentifier()));
    } catch (IOException e) {
      throw new IllegalArgumentException("issuer subject key identifier is malformed", e);
    }
  }

  X509Certificate signWith(PrivateKey key) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(BouncyCastle.signer(key)));
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK cannot read a certificate kpam made", e);
    }
  }

  /** {@code O=organization, CN=commonName}; without O when {@code organization} is null. */
  static X500Name name(String commonName, String organization) {
    if (commonName == null || commonName.isBlank()) {
      throw new IllegalArgumentException("commonName: '" + commonName + "' (expected: a name)");
    }
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    if (organization != null) {
      name.addRDN(BCStyle.O, organization);
    }
    return name.addRDN(BCStyle.CN, commonName).build();
  }

  /** Subject alternative names: the URIs, then the DNS names, then the IP addresses. */
  static GeneralNames altNames(List<String> uris, List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    uris.forEach(uri -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
    for (String dnsName : dnsNames) {
      if (dnsName == null || dnsName.isBlank()) {
        throw new IllegalArgumentException("dnsNames: '" + dnsName + "' (expected: a DNS name)");
      }
      names.add(new GeneralName(GeneralName.dNSName, dnsName));
    }
    for (String ip : ipAddresses) {
      if (ip == null || !IPAddress.isValid(ip)) {
        throw new IllegalArgumentException(
            "ipAddresses: '" + ip + "' (expected: an IPv4 or IPv6 literal)");
      }
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "subject alternative names: none (expected: at least one DNS name or IP address)");
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  static Duration requirePositive(String field, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(field + ": " + duration + " (expected: positive)");
    }
    return duration;
  }

  /** 128 bits with the top bit set: always positive, 16 octets, within RFC 5280's 20. */
  private static BigInteger randomSerial() {
    return new BigInteger(128, new SecureRandom()).setBit(127);
  }
}
