package dev.kpam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
  record Row(String name, Instant time, List<String> tags) {}

  private final Table<Row> table =
      new Table<Row>()
          .column("name", Row::name)
          .column("last seen", Row::time)
          .column("tags", Row::tags);

  @Test
  void columnsAreAlignedWithTwoSpacesAndNullsAreDashes() {
    StringWriter text = new StringWriter();

    table.print(
        new PrintWriter(text),
        List.of(
            new Row("a-long-name", Instant.parse("2026-11-28T12:00:00.123456Z"), List.of("x", "y")),
            new Row("b", null, List.of())));

    assertThat(text.toString())
        .isEqualTo(
            "NAME         LAST SEEN             TAGS\n"
                + "a-long-name  2026-11-28T12:00:00Z  x,y\n"
                + "b            -                     -\n");
  }

  @Test
  void describePrintsOneLabelledLinePerColumn() {
    StringWriter text = new StringWriter();

    table.describe(new PrintWriter(text), new Row("a", null, List.of("t")));

    assertThat(text.toString()).isEqualTo("NAME       a\nLAST SEEN  -\nTAGS       t\n");
  }
}
