package dev.kpam.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The text layout of a list: upper-case headers, columns separated by two spaces, {@code -} for
 * nothing, instants as ISO-8601 truncated to seconds. Immutable; each {@link #column} returns a new
 * table.
 *
 * <pre>{@code
 * Table<UserView> users = new Table<UserView>().column("NAME", UserView::name).column("ROLE", UserView::role);
 * users.print(out, list);
 * }</pre>
 */
public final class Table<T> {
  private static final String GAP = "  ";

  private record Column<T>(String header, Function<? super T, ?> value) {}

  private final List<Column<T>> columns;

  public Table() {
    this(List.of());
  }

  private Table(List<Column<T>> columns) {
    this.columns = columns;
  }

  /** This table with one more column on the right. */
  public Table<T> column(String header, Function<? super T, ?> value) {
    List<Column<T>> more = new ArrayList<>(columns);
    more.add(new Column<>(header.toUpperCase(Locale.ROOT), value));
    return new Table<>(List.copyOf(more));
  }

  /** Prints a header line and one line per row. */
  public void print(PrintWriter out, List<? extends T> rows) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(columns.stream().map(Column::header).toList());
    for (T row : rows) {
      lines.add(columns.stream().map(c -> cell(c.value().apply(row))).toList());
    }
    int[] widths = new int[columns.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    for (List<String> line : lines) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = line.get(i);
        text.append(cell);
        if (i < widths.length - 1) {
          text.append(" ".repeat(widths[i] - cell.length())).append(GAP);
        }
      }
      out.println(text.toString().stripTrailing());
    }
    out.flush();
  }

  /** Prints one thing as label and value lines, the labels being this table's headers. */
  public void describe(PrintWriter out, T row) {
    int width = columns.stream().mapToInt(c -> c.header().length()).max().orElse(0);
    for (Column<T> column : columns) {
      String label = column.header();
      String value = cell(column.value().apply(row));
      out.println((label + " ".repeat(width - label.length()) + GAP + value).stripTrailing());
    }
    out.flush();
  }

  /** How one value reads in a table. */
  public static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    if (value instanceof Instant instant) {
      return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
    if (value instanceof Collection<?> many) {
      return many.isEmpty() ? "-" : String.join(",", many.stream().map(Table::cell).toList());
    }
    String text = value.toString().replaceAll("[\\r\\n\\t]+", " ");
    return text.isEmpty() ? "-" : text;
  }
}
