package dev.kpam.crypto.pki;

import static dev.kpam.crypto.pki.CertificateAuthorityTest.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;

class PemTest {
  /** Written by {@code openssl ecparam -genkey -name prime256v1}: parameters, then the key. */
  static final String OPENSSL_EC_KEY =
      """
      -----BEGIN EC PARAMETERS-----
      BggqhkjOPQMBBw==
      -----END EC PARAMETERS-----
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIORTGvInVZ9vlvdBltDRlFTQjklQ11XlLB4B+QGJw+n1oAoGCCqGSM49
      AwEHoUQDQgAEcajpj3gDtIaM2+wSqiP/dSikA0HxKQNAI0HDqEQVBQEuyhdnuW00
      2n/cCOLIA8/lFhem+UTdzn4QEstEvIagSQ==
      -----END EC PRIVATE KEY-----
      """;

  final CertificateAuthority ca = CertificateAuthority.create("kpam test CA", CLOCK);
  final KeyPair keys = KeyPairs.generateEcP256();

  @Test
  void certificateSurvivesARoundTrip() {
    String pem = Pem.encodeCertificate(ca.certificate());

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.lines().filter(line -> !line.startsWith("-----")))
        .allMatch(l -> l.length() <= 64);
    assertThat(Pem.parseCertificate(pem)).isEqualTo(ca.certificate());
  }

  @Test
  void bundleParsesInOrderIgnoringTextAroundTheBlocks() {
    X509Certificate leaf = ca.issueGatewayCertificate(keys.getPublic(), "gw-1", Duration.ofDays(1));
    String bundle =
        "# gateway\n"
            + Pem.encodeCertificate(leaf)
            + "\n# issuer\n"
            + Pem.encodeCertificate(ca.certificate());

    assertThat(Pem.parseCertificates(bundle)).containsExactly(leaf, ca.certificate());
    assertThatThrownBy(() -> Pem.parseCertificate(bundle))
        .hasMessage("expected one PEM certificate, found 2");
  }

  @Test
  void textThatIsNotACertificateIsRejected() {
    for (String notACertificate :
        new String[] {
          "",
          "MIIB",
          Pem.encodePrivateKey(keys.getPrivate()),
          "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
          "-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n"
        }) {
      assertThatThrownBy(() -> Pem.parseCertificates(notACertificate))
          .as(notACertificate)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("not a PEM-encoded X.509 certificate");
    }
  }

  @Test
  void pkcs8PrivateKeySurvivesARoundTrip() throws Exception {
    String pem = Pem.encodePrivateKey(keys.getPrivate());

    PrivateKey parsed = Pem.parsePrivateKey(pem);

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(parsed).isEqualTo(keys.getPrivate());
  }

  @Test
  void ecPrivateKeyInOpenSslFormFromBouncyCastleParses() throws Exception {
    // A key of BouncyCastle's own: BC writes a JDK key's EC PRIVATE KEY without its curve.
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair bcKeys = generator.generateKeyPair();
    String pem = writeWithBouncyCastle(bcKeys.getPrivate());

    assertThat(pem).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertSignsFor(Pem.parsePrivateKey(pem), bcKeys.getPublic());
  }

  @Test
  void ecPrivateKeyAfterOpenSslParametersParses() {
    assertThat(Pem.parsePrivateKey(OPENSSL_EC_KEY).getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void rsaPrivateKeyInOpenSslFormParses() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    String pem = writeWithBouncyCastle(rsa.getPrivate());

    assertThat(pem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertSignsFor(Pem.parsePrivateKey(pem), rsa.getPublic());
  }

  @Test
  void encryptedPrivateKeysAndNonKeysAreRejected() throws Exception {
    StringWriter encrypted = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(encrypted)) {
      writer.writeObject(
          new JcaMiscPEMGenerator(
              keys.getPrivate(),
              new JcePEMEncryptorBuilder("AES-128-CBC")
                  .setProvider(new BouncyCastleProvider())
                  .build("secret".toCharArray())));
    }

    assertThatThrownBy(() -> Pem.parsePrivateKey(encrypted.toString()))
        .hasMessage("encrypted private keys are not supported");
    assertThatThrownBy(() -> Pem.parsePrivateKey(Pem.encodeCertificate(ca.certificate())))
        .hasMessage("not a PEM-encoded private key");
  }

  private static String writeWithBouncyCastle(PrivateKey key) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(key);
    }
    return text.toString();
  }

  private static void assertSignsFor(PrivateKey privateKey, PublicKey publicKey) throws Exception {
    String algorithm =
        privateKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] message = "kpam".getBytes(StandardCharsets.US_ASCII);
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(message);
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(publicKey);
    verifier.update(message);
    assertThat(verifier.verify(signer.sign())).isTrue();
  }
}
