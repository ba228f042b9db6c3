package dev.kpam.crypto.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrsTest {
  final KeyPair keys = KeyPairs.generateEcP256();

  @Test
  void csrRoundTripKeepsTheKeyAndTheName() {
    String pem = Csrs.create(keys, "edge-1");

    CertificateRequest request = Csrs.parse(pem);

    assertThat(pem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n");
    assertThat(request.publicKey()).isEqualTo(keys.getPublic());
    assertThat(request.commonName()).isEqualTo("edge-1");
  }

  @Test
  void commonNameIsReadAsWrittenWithoutEscaping() {
    assertThat(Csrs.parse(Csrs.create(keys, "edge, rack 4")).commonName())
        .isEqualTo("edge, rack 4");
  }

  @Test
  void tamperedCsrIsRejected() throws Exception {
    byte[] der = new PKCS10CertificationRequest(pemBody(Csrs.create(keys, "edge-1"))).getEncoded();
    int at = indexOf(der, "edge-1".getBytes(StandardCharsets.US_ASCII));
    der[at] = 'x'; // now asks for "xdge-1" under a signature made over "edge-1"
    String tampered =
        "-----BEGIN CERTIFICATE REQUEST-----\n"
            + Base64.getMimeEncoder().encodeToString(der)
            + "\n-----END CERTIFICATE REQUEST-----\n";

    assertThatThrownBy(() -> Csrs.parse(tampered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificate signing request signature does not verify");
  }

  @Test
  void textThatIsNotACsrIsRejected() {
    String certificate =
        Pem.encodeCertificate(
            CertificateAuthority.create("ca", CertificateAuthorityTest.CLOCK).certificate());
    for (String notACsr :
        new String[] {
          "",
          "hello",
          certificate,
          "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"
        }) {
      assertThatThrownBy(() -> Csrs.parse(notACsr))
          .as(notACsr)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("not a valid PEM certificate signing request");
    }
  }

  @Test
  void weakOrUnexpectedKeysAreRejected() throws Exception {
    assertThatThrownBy(() -> Csrs.parse(Csrs.create(generate("RSA", 1024), "x")))
        .hasMessage(
            "public key: RSA 1024 bits (expected: EC P-256 or RSA with at least 2048 bits)");
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    assertThatThrownBy(() -> Csrs.parse(Csrs.create(p384.generateKeyPair(), "x")))
        .hasMessage(
            "public key: EC on curve 1.3.132.0.34"
                + " (expected: EC P-256 or RSA with at least 2048 bits)");
  }

  @Test
  void rsaKeysOfAtLeast2048BitsAreAccepted() throws Exception {
    KeyPair rsa = generate("RSA", 2048);

    assertThat(Csrs.parse(Csrs.create(rsa, "x")).publicKey()).isEqualTo(rsa.getPublic());
  }

  private static KeyPair generate(String algorithm, int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  private static byte[] pemBody(String pem) {
    return Base64.getMimeDecoder()
        .decode(pem.replaceAll("-----(BEGIN|END) CERTIFICATE REQUEST-----", ""));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
