package dev.kpam.crypto.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate signing requests (RFC 2986) in PEM. {@link #parse} verifies the request's
 * self-signature and accepts only EC P-256 keys and RSA keys of at least 2048 bits.
 *
 * <pre>{@code
 * String pem = Csrs.create(KeyPairs.generateEcP256(), "edge-1");
 * PublicKey key = Csrs.parse(pem).publicKey();
 * }</pre>
 */
public final class Csrs {
  private static final String NOT_A_CSR = "not a valid PEM certificate signing request";
  private static final String EXPECTED_KEYS = "(expected: EC P-256 or RSA with at least 2048 bits)";

  private Csrs() {}

  /** A CSR for {@code keyPair} with subject {@code CN=commonName}, signed by its private key. */
  public static String create(KeyPair keyPair, String commonName) {
    PKCS10CertificationRequest csr =
        new JcaPKCS10CertificationRequestBuilder(
                CertificateDraft.name(commonName, null), keyPair.getPublic())
            .build(BouncyCastle.signer(keyPair.getPrivate()));
    return Pem.encodeCsr(csr);
  }

  /**
   * The verified request in {@code pem}.
   *
   * @throws IllegalArgumentException if {@code pem} is not exactly one PEM CSR, its key is not
   *     acceptable, or its signature does not verify
   */
  public static CertificateRequest parse(String pem) {
    List<Object> objects = Pem.read(pem, NOT_A_CSR);
    if (objects.size() != 1 || !(objects.get(0) instanceof PKCS10CertificationRequest csr)) {
      throw new IllegalArgumentException(NOT_A_CSR);
    }
    PublicKey publicKey = acceptedKey(csr.getSubjectPublicKeyInfo());
    if (!signatureVerifies(csr)) {
      throw new IllegalArgumentException("certificate signing request signature does not verify");
    }
    RDN[] commonNames = csr.getSubject().getRDNs(BCStyle.CN);
    ASN1Encodable value = commonNames.length == 0 ? null : commonNames[0].getFirst().getValue();
    String commonName =
        value == null
            ? ""
            : value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
    return new CertificateRequest(publicKey, commonName);
  }

  private static boolean signatureVerifies(PKCS10CertificationRequest csr) {
    try {
      return csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder()
              .setProvider(BouncyCastle.PROVIDER)
              .build(csr.getSubjectPublicKeyInfo()));
    } catch (OperatorCreationException | PKCSException e) {
      return false;
    }
  }

  private static PublicKey acceptedKey(SubjectPublicKeyInfo info) {
    ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
    ASN1Encodable parameters = info.getAlgorithm().getParameters();
    String keyType;
    if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      if (!SECObjectIdentifiers.secp256r1.equals(parameters)) {
        throw new IllegalArgumentException(
            "public key: EC on curve " + parameters + " " + EXPECTED_KEYS);
      }
      keyType = "EC";
    } else if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
      int bits = rsaModulusBits(info);
      if (bits < 2048) {
        throw new IllegalArgumentException("public key: RSA " + bits + " bits " + EXPECTED_KEYS);
      }
      keyType = "RSA";
    } else {
      throw new IllegalArgumentException(
          "public key: algorithm " + algorithm + " " + EXPECTED_KEYS);
    }
    try {
      return KeyFactory.getInstance(keyType)
          .generatePublic(new X509EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("public key: malformed " + keyType + " key", e);
    }
  }

  private static int rsaModulusBits(SubjectPublicKeyInfo info) {
    try {
      return RSAPublicKey.getInstance(info.parsePublicKey()).getModulus().bitLength();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("public key: malformed RSA key", e);
    }
  }
}
