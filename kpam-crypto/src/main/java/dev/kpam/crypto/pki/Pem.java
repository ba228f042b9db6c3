package dev.kpam.crypto.pki;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM text (RFC 7468) for certificates, private keys and certificate signing requests. Encoding
 * always writes 64-column lines ending in {@code \n}; parsing skips text around the PEM blocks,
 * accepts PKCS#8 ({@code PRIVATE KEY}) and the OpenSSL forms ({@code EC PRIVATE KEY}, {@code RSA
 * PRIVATE KEY}), and throws {@link IllegalArgumentException} for anything else. Encrypted private
 * keys are refused.
 *
 * <pre>{@code
 * String pem = Pem.encodeCertificate(ca.certificate());
 * X509Certificate certificate = Pem.parseCertificate(pem);
 * }</pre>
 */
public final class Pem {
  private static final String NOT_A_CERTIFICATE = "not a PEM-encoded X.509 certificate";
  private static final String NOT_A_KEY = "not a PEM-encoded private key";

  private Pem() {}

  public static String encodeCertificate(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded", e);
    }
  }

  /** The one certificate in {@code pem}; a bundle of several is refused. */
  public static X509Certificate parseCertificate(String pem) {
    List<X509Certificate> certificates = parseCertificates(pem);
    if (certificates.size() != 1) {
      throw new IllegalArgumentException(
          "expected one PEM certificate, found " + certificates.size());
    }
    return certificates.get(0);
  }

  /** Every certificate in {@code pem}, in order (a chain or a CA bundle); at least one. */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<Object> objects = read(pem, NOT_A_CERTIFICATE);
    if (objects.isEmpty()) {
      throw new IllegalArgumentException(NOT_A_CERTIFICATE);
    }
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects) {
      if (!(object instanceof X509CertificateHolder holder)) {
        throw new IllegalArgumentException(NOT_A_CERTIFICATE);
      }
      try {
        certificates.add(converter.getCertificate(holder));
      } catch (CertificateException e) {
        throw new IllegalArgumentException(NOT_A_CERTIFICATE, e);
      }
    }
    return List.copyOf(certificates);
  }

  /** The key as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). */
  public static String encodePrivateKey(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException(
          "private key: format " + key.getFormat() + " (expected: PKCS#8)");
    }
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /**
   * The one private key in {@code pem}. Other blocks (certificates, the {@code EC PARAMETERS} that
   * {@code openssl ecparam -genkey} writes) are skipped.
   */
  public static PrivateKey parsePrivateKey(String pem) {
    List<PrivateKeyInfo> keys = new ArrayList<>();
    for (Object object : read(pem, NOT_A_KEY)) {
      if (object instanceof PrivateKeyInfo info) {
        keys.add(info);
      } else if (object instanceof PEMKeyPair keyPair) {
        keys.add(keyPair.getPrivateKeyInfo());
      } else if (object instanceof PKCS8EncryptedPrivateKeyInfo
          || object instanceof PEMEncryptedKeyPair) {
        throw new IllegalArgumentException("encrypted private keys are not supported");
      }
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException(
          keys.isEmpty() ? NOT_A_KEY : "expected one PEM private key, found " + keys.size());
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(keys.get(0));
    } catch (PEMException e) {
      throw new IllegalArgumentException(NOT_A_KEY, e);
    }
  }

  public static String encodeCsr(PKCS10CertificationRequest csr) {
    try {
      return encode("CERTIFICATE REQUEST", csr.getEncoded());
    } catch (IOException e) {
      throw new IllegalArgumentException("certificate signing request cannot be encoded", e);
    }
  }

  /** Every PEM object in {@code pem} as BouncyCastle parsed it. */
  static List<Object> read(String pem, String complaint) {
    if (pem == null) {
      throw new IllegalArgumentException(complaint);
    }
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      // Malformed input surfaces from BouncyCastle's ASN.1 and base64 decoders as assorted
      // unchecked exceptions; to callers they all mean the same thing.
      throw new IllegalArgumentException(complaint, e);
    }
    return objects;
  }

  private static String encode(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
