package dev.residual.evals.dataset;

/**
 * A dataset file that cannot be read as asked: the message names the file, the line (1-based) and,
 * where one is to blame, the field.
 */
public final class DatasetException extends IllegalArgumentException {
  private final String file;
  private final int line;
  private final String field;

  /**
   * @param file the file (or a label for in-memory records)
   * @param line the 1-based line the record starts on, or 0 when unknown
   * @param field the offending field, or null
   * @param problem what is wrong
   * @param cause the underlying error, or null
   */
  public DatasetException(String file, int line, String field, String problem, Throwable cause) {
    super(format(file, line, field, problem), cause);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  private static String format(String file, int line, String field, String problem) {
    StringBuilder sb = new StringBuilder("dataset ").append(file);
    if (line > 0) {
      sb.append(", line ").append(line);
    }
    if (field != null) {
      sb.append(", field '").append(field).append('\'');
    }
    return sb.append(": ").append(problem).toString();
  }

  /** The file (or label) the error is in. */
  public String file() {
    return file;
  }

  /** The 1-based line of the record, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The offending field, or null. */
  public String field() {
    return field;
  }
}
