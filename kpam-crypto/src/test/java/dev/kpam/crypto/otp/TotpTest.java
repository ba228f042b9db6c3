package dev.kpam.crypto.otp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 6238 appendix B and RFC 4648 section 10, and the one-step window. */
class TotpTest {
  private static final byte[] RFC_SECRET =
      "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void theCodesOfRfc6238AppendixBCutToSixDigits() {
    // The SHA-1 column of the appendix (8 digits there; an app shows the last 6).
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(59))).isEqualTo("287082");
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(1111111111))).isEqualTo("050471");
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(1234567890))).isEqualTo("005924");
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(2000000000))).isEqualTo("279037");
    assertThat(Totp.codeAt(RFC_SECRET, Instant.ofEpochSecond(20000000000L))).isEqualTo("353130");
  }

  @Test
  void aCodeMatchesItsStepAndOneEitherSideOnly() {
    Instant now = Instant.ofEpochSecond(1234567890);
    long step = Totp.step(now);
    assertThat(Totp.match(RFC_SECRET, Totp.code(RFC_SECRET, step), now)).hasValue(step);
    assertThat(Totp.match(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now)).hasValue(step - 1);
    assertThat(Totp.match(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now)).hasValue(step + 1);
    assertThat(Totp.match(RFC_SECRET, Totp.code(RFC_SECRET, step - 2), now)).isEmpty();
    assertThat(Totp.match(RFC_SECRET, "12345", now)).isEmpty();
    assertThat(Totp.match(RFC_SECRET, "abcdef", now)).isEmpty();
    assertThat(Totp.match(RFC_SECRET, null, now)).isEmpty();
  }

  @Test
  void base32IsRfc4648AndTheUriIsWhatAuthenticatorsRead() {
    assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    assertThat(Base32.encode("fo".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXQ");
    assertThat(new String(Base32.decode("mzxw6ytboi======"), StandardCharsets.US_ASCII))
        .isEqualTo("foobar");
    assertThat(Totp.uri("kpam", "alice smith", RFC_SECRET))
        .isEqualTo(
            "otpauth://totp/kpam:alice%20smith?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=kpam&algorithm=SHA1&digits=6&period=30");
  }
}
