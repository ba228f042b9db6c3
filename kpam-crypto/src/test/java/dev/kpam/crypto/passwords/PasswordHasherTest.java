package dev.kpam.crypto.passwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /** The cheapest parameters allowed, to keep the tests quick. */
  static final PasswordHashing CHEAP = new PasswordHashing(8192, 1, 1, 16, 32);

  final PasswordHasher cheap = new PasswordHasher(CHEAP);

  @Test
  void defaultHashIsAnArgon2idPhcStringThatVerifiesOnlyItsPassword() {
    PasswordHasher hasher = PasswordHasher.defaults();

    String encoded = hasher.hash("correct horse".toCharArray());

    assertThat(encoded)
        .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify("correct horse".toCharArray(), encoded)).isTrue();
    assertThat(hasher.verify("correct horsE".toCharArray(), encoded)).isFalse();
    assertThat(hasher.needsRehash(encoded)).isFalse();
  }

  @Test
  void samePasswordHashesDifferentlyEachTime() {
    assertThat(cheap.hash("pw".toCharArray())).isNotEqualTo(cheap.hash("pw".toCharArray()));
  }

  @Test
  void hashMadeUnderOldParametersStillVerifiesButAsksForARehash() {
    String old = cheap.hash("päßwörd".toCharArray());
    PasswordHasher current = new PasswordHasher(new PasswordHashing(9216, 1, 1, 16, 32));

    assertThat(current.verify("päßwörd".toCharArray(), old)).isTrue();
    assertThat(current.verify("password".toCharArray(), old)).isFalse();
    assertThat(current.needsRehash(old)).isTrue();
  }

  @Test
  void malformedEncodedStringsVerifyAsFalse() {
    String good = cheap.hash("pw".toCharArray());
    String[] malformed = {
      null,
      "",
      "pw",
      good.replace("argon2id", "argon2i"),
      good.replace("v=19", "v=16"),
      good.replace("m=8192", "m=8"),
      good.replace("m=8192", "m=999999999"),
      good.replace("t=1,p=1", "p=1,t=1"),
      good.substring(0, good.lastIndexOf('$')),
      good.substring(0, good.length() - 42),
      good + "$",
      good.substring(0, good.length() - 1) + "!"
    };
    for (String encoded : malformed) {
      assertThat(cheap.verify("pw".toCharArray(), encoded)).as(encoded).isFalse();
      assertThat(cheap.needsRehash(encoded)).as(encoded).isTrue();
    }
  }

  @Test
  void parametersAreValidatedNamingTheField() {
    assertThatThrownBy(() -> new PasswordHashing(8, 2, 1, 16, 32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memoryKiB: 8 (expected: at least 8192)");
    assertThatThrownBy(() -> new PasswordHashing(19456, 0, 1, 16, 32))
        .hasMessage("iterations: 0 (expected: at least 1)");
    assertThatThrownBy(() -> new PasswordHashing(19456, 2, 1, 8, 32))
        .hasMessage("saltBytes: 8 (expected: at least 16)");
    assertThatThrownBy(() -> new PasswordHashing(19456, 2, 99, 16, 32))
        .hasMessage("parallelism: 99 (expected: at most 16)");
  }
}
