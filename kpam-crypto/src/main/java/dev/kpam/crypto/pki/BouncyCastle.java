package dev.kpam.crypto.pki;

import java.security.PrivateKey;
import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The BouncyCastle provider this package signs and verifies with. It is passed to each builder
 * explicitly instead of being installed with {@code Security.addProvider}, so that loading
 * kpam-crypto changes nothing JVM-wide.
 */
final class BouncyCastle {
  /** Never modified after construction; shared because constructing one is slow. */
  static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}

  /** The signature algorithm kpam uses with keys of this type. */
  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default ->
          throw new IllegalArgumentException(
              "private key: " + key.getAlgorithm() + " (expected: EC or RSA)");
    };
  }

  static ContentSigner signer(PrivateKey key) {
    String algorithm = signatureAlgorithm(key);
    try {
      return new JcaContentSignerBuilder(algorithm).setProvider(PROVIDER).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot create a " + algorithm + " signer", e);
    }
  }
}
