package dev.residual.evals.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV parser: fields separated by a delimiter, records by CRLF or LF (a lone CR
 * too), fields optionally enclosed in double quotes, inside which the delimiter and line breaks are
 * literal and {@code ""} stands for one quote. A leading UTF-8 byte-order mark is dropped. As a
 * leniency, a quote inside an unquoted field is kept as a literal character ({@code 5" screen}).
 */
public final class Csv {
  private Csv() {}

  /**
   * One parsed record.
   *
   * @param line the 1-based line the record starts on
   * @param fields its fields, in order
   */
  public record Row(int line, List<String> fields) {}

  /**
   * Parses {@code text} into records. A final line break does not start an empty record; blank
   * lines elsewhere are skipped (RFC 4180 has no meaning for them).
   *
   * @param file a name for error messages
   * @param text the whole file
   * @param delimiter the field separator, usually {@code ','}
   * @throws DatasetException naming the file and line for an unterminated quoted field or a
   *     character other than a delimiter or line break after a closing quote
   */
  public static List<Row> parse(String file, String text, char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException("Csv.parse: invalid delimiter " + (int) delimiter);
    }
    List<Row> rows = new ArrayList<>();
    int n = text.length();
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    int line = 1;
    while (i < n) {
      int recordLine = line;
      // A blank line (or the final line break) is not a record.
      char c0 = text.charAt(i);
      if (c0 == '\n' || c0 == '\r') {
        i += (c0 == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
        line++;
        continue;
      }
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean endOfRecord = false;
      while (!endOfRecord) {
        field.setLength(0);
        if (i < n && text.charAt(i) == '"') {
          int quoteLine = line;
          i++;
          while (true) {
            if (i >= n) {
              throw new DatasetException(
                  file, quoteLine, null, "unterminated quoted field (no closing \")", null);
            }
            char c = text.charAt(i);
            if (c == '"') {
              if (i + 1 < n && text.charAt(i + 1) == '"') {
                field.append('"');
                i += 2;
              } else {
                i++;
                break;
              }
            } else {
              if (c == '\n' || (c == '\r' && !(i + 1 < n && text.charAt(i + 1) == '\n'))) {
                line++;
              }
              field.append(c);
              i++;
            }
          }
          if (i < n) {
            char c = text.charAt(i);
            if (c != delimiter && c != '\n' && c != '\r') {
              throw new DatasetException(
                  file,
                  line,
                  null,
                  "unexpected character '"
                      + c
                      + "' after a closing quote (expected '"
                      + delimiter
                      + "' or a line break)",
                  null);
            }
          }
        } else {
          while (i < n) {
            char c = text.charAt(i);
            if (c == delimiter || c == '\n' || c == '\r') {
              break;
            }
            field.append(c);
            i++;
          }
        }
        fields.add(field.toString());
        if (i >= n) {
          endOfRecord = true;
        } else {
          char c = text.charAt(i);
          if (c == delimiter) {
            i++;
            if (i >= n) {
              fields.add(""); // "a,b," ends with an empty field
              endOfRecord = true;
            }
          } else {
            i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
            line++;
            endOfRecord = true;
          }
        }
      }
      rows.add(new Row(recordLine, List.copyOf(fields)));
    }
    return rows;
  }
}
