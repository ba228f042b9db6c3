package dev.kpam.crypto.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTokensTest {
  @Test
  void tokenIsItsPrefixThenThirtyTwoRandomBytesInBase64Url() {
    String token = SecretTokens.generate("kpat");

    assertThat(token).matches("kpat_[A-Za-z0-9_-]{43}");
    assertThat(SecretTokens.generate("kpat")).isNotEqualTo(token);
  }

  @Test
  void prefixMustBeShortLowercaseWords() {
    assertThatThrownBy(() -> SecretTokens.generate("KP_AT"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix: 'KP_AT' (expected: 1 to 16 lowercase letters and digits)");
  }

  @Test
  void tokenHashIsLowercaseHexSha256() {
    assertThat(SecretTokens.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void constantTimeEqualsComparesWholeStrings() {
    assertThat(SecretTokens.constantTimeEquals("kpat_abc", "kpat_abc")).isTrue();
    assertThat(SecretTokens.constantTimeEquals("kpat_abc", "kpat_abd")).isFalse();
    assertThat(SecretTokens.constantTimeEquals("kpat_abc", "kpat_ab")).isFalse();
    assertThat(SecretTokens.constantTimeEquals(null, "kpat_abc")).isFalse();
    assertThat(SecretTokens.constantTimeEquals(null, null)).isFalse();
  }
}
