package dev.kpam.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

  @Test
  void partsAddUp() {
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("1s500ms")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void formatReadsBack() {
    assertThat(GoDuration.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(GoDuration.parse(GoDuration.format(Duration.ofMillis(3_723_004))))
        .isEqualTo(Duration.ofMillis(3_723_004));
  }

  @Test
  void hoursThatOverflowADurationAreAnIllegalArgument() {
    assertThatThrownBy(() -> GoDuration.parse("9223372036854775807h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'9223372036854775807h' is too long a duration");
  }

  @Test
  void aNumberLongerThanALongIsAnIllegalArgument() {
    assertThatThrownBy(() -> GoDuration.parse("99999999999999999999s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long a duration");
  }

  @Test
  void partsThatOverflowOnlyTogetherAreAnIllegalArgument() {
    assertThatThrownBy(() -> GoDuration.parse("9223372036854775807s9223372036854775807s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long a duration");
  }

  @Test
  void textThatIsNoDurationIsAnIllegalArgument() {
    assertThatThrownBy(() -> GoDuration.parse("8 hours"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration");
  }
}
