package dev.kpam.crypto.secrets;

import static dev.kpam.crypto.secrets.RootKeyTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataKeyTest {
  final DataKey key = DataKey.generate();

  @Test
  void sealedSecretOpensWithTheSameAssociatedData() {
    byte[] sealed = key.encrypt(bytes("eyJhbGciOi..."), bytes("account:42"));

    assertThat(sealed).hasSize(12 + "eyJhbGciOi...".length() + 16);
    assertThat(key.decrypt(sealed, bytes("account:42"))).isEqualTo(bytes("eyJhbGciOi..."));
  }

  @Test
  void sameSecretSealsDifferentlyEachTime() {
    assertThat(key.encrypt(bytes("x"), null)).isNotEqualTo(key.encrypt(bytes("x"), null));
  }

  @Test
  void sealedSecretMovedToAnotherContextDoesNotOpen() {
    byte[] sealed = key.encrypt(bytes("token"), bytes("account:42"));

    assertThatThrownBy(() -> key.decrypt(sealed, bytes("account:43")))
        .isInstanceOf(CryptoException.class)
        .hasMessage("data cannot be decrypted: wrong key, wrong associated data or corrupted data");
  }

  @Test
  void anyAlteredByteIsDetected() {
    byte[] sealed = key.encrypt(bytes("token"), bytes("account:42"));
    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 0x01;
      assertThatThrownBy(() -> key.decrypt(altered, bytes("account:42")))
          .isInstanceOf(CryptoException.class);
    }
  }

  @Test
  void anotherDataKeyCannotOpenIt() {
    byte[] sealed = key.encrypt(bytes("token"), null);

    assertThatThrownBy(() -> DataKey.generate().decrypt(sealed, null))
        .isInstanceOf(CryptoException.class);
  }
}
