package dev.residual.evals.log;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.residual.evals.Score;
import dev.residual.evals.metrics.MetricSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reading and writing {@link EvalLog}s: JSON (atomic), an HTML report and a CSV export. */
public final class EvalLogs {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          // Omitting nulls keeps a null JsonNode field null on reading (not a NullNode).
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EvalLogs() {}

  /** The Jackson mapper logs use (indenting, lenient about unknown fields). Do not reconfigure. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Reads a JSON log.
   *
   * @throws UncheckedIOException if the file cannot be read or is not a log
   */
  public static EvalLog read(Path path) {
    try {
      return MAPPER.readValue(path.toFile(), EvalLog.class);
    } catch (IOException e) {
      throw new UncheckedIOException("EvalLogs.read: cannot read " + path, e);
    }
  }

  /**
   * Writes {@code log} as JSON to {@code path} atomically: to a temporary file in the same
   * directory, then moved over {@code path}, so a reader sees the old log or the new one, never
   * half of one.
   *
   * @throws UncheckedIOException on an I/O error
   */
  public static void write(EvalLog log, Path path) {
    try {
      writeAtomically(path, MAPPER.writeValueAsBytes(log));
    } catch (IOException e) {
      throw new UncheckedIOException("EvalLogs.write: cannot write " + path, e);
    }
  }

  /**
   * Writes {@code bytes} to {@code path} through a temporary sibling and an atomic move (a plain
   * replacing move where the file system has no atomic move).
   *
   * @throws IOException on an I/O error
   */
  public static void writeAtomically(Path path, byte[] bytes) throws IOException {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes the HTML report of {@code log} to {@code path} (atomically). */
  public static void writeHtml(EvalLog log, Path path) {
    try {
      writeAtomically(path, html(log).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("EvalLogs.writeHtml: cannot write " + path, e);
    }
  }

  /** Writes the CSV export of {@code log} to {@code path} (atomically). */
  public static void writeCsv(EvalLog log, Path path) {
    try {
      writeAtomically(path, csv(log).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("EvalLogs.writeCsv: cannot write " + path, e);
    }
  }

  /** The scorer names of a log: the spec's, then any others the samples carry. */
  static List<String> scorerNames(EvalLog log) {
    Set<String> names = new LinkedHashSet<>();
    if (log.spec() != null && log.spec().scorers() != null) {
      names.addAll(log.spec().scorers());
    }
    for (EvalSample s : log.samples()) {
      names.addAll(s.scores().keySet());
    }
    return new ArrayList<>(names);
  }

  /**
   * The sample results as CSV (RFC 4180: comma separated, CRLF line ends, a field quoted when it
   * holds a comma, quote, CR or LF, quotes doubled): {@code id, epoch, input, output, target,
   * error, input_tokens, output_tokens}, then one column per scorer holding the score's value.
   */
  public static String csv(EvalLog log) {
    List<String> scorers = scorerNames(log);
    StringBuilder sb = new StringBuilder();
    List<String> header =
        new ArrayList<>(
            List.of(
                "id",
                "epoch",
                "input",
                "output",
                "target",
                "error",
                "input_tokens",
                "output_tokens"));
    header.addAll(scorers);
    row(sb, header);
    for (EvalSample s : log.samples()) {
      List<String> r = new ArrayList<>();
      r.add(s.id());
      r.add(Integer.toString(s.epoch()));
      r.add(inputText(s));
      r.add(s.output());
      r.add(String.join("|", s.targets()));
      r.add(s.error() == null ? "" : s.error());
      r.add(Long.toString(s.usage() == null ? 0 : s.usage().inputTokens()));
      r.add(Long.toString(s.usage() == null ? 0 : s.usage().outputTokens()));
      for (String name : scorers) {
        Score sc = s.scores().get(name);
        r.add(sc == null ? "" : String.valueOf(sc.value()));
      }
      row(sb, r);
    }
    return sb.toString();
  }

  /** One CSV field, quoted when needed. */
  public static String csvField(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') >= 0
        || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  private static void row(StringBuilder sb, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(csvField(fields.get(i)));
    }
    sb.append("\r\n");
  }

  private static String inputText(EvalSample s) {
    for (int i = s.input().size() - 1; i >= 0; i--) {
      if ("user".equals(s.input().get(i).role())) {
        return s.input().get(i).text();
      }
    }
    return s.input().isEmpty() ? "" : s.input().get(s.input().size() - 1).text();
  }

  /** {@code s} with the HTML special characters {@code & < > " '} escaped. */
  public static String escapeHtml(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String fmt(Double d) {
    return d == null ? "–" : String.format(Locale.ROOT, "%.4f", d);
  }

  /**
   * A self-contained HTML report (inline CSS, no scripts or external resources): a header with
   * task, model, status and token usage, a table of metrics per scorer (and per group), and a table
   * of samples with input, output, target, scores and error. Every text from the log is escaped.
   */
  public static String html(EvalLog log) {
    StringBuilder h = new StringBuilder();
    String title = log.spec() == null ? "eval" : log.spec().task();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
        .append(escapeHtml(title))
        .append(" — ")
        .append(escapeHtml(log.model()))
        .append("</title>\n<style>body{font-family:sans-serif;margin:2em}")
        .append("table{border-collapse:collapse;margin-bottom:2em}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}")
        .append("th{background:#eee}pre{white-space:pre-wrap;margin:0;max-width:40em}")
        .append(".err{color:#b00}</style></head><body>\n");
    h.append("<h1>")
        .append(escapeHtml(title))
        .append("</h1>\n<p>model <b>")
        .append(escapeHtml(log.model()))
        .append("</b>, status <b>")
        .append(log.status())
        .append("</b>, ")
        .append(log.samples().size())
        .append(" sample-epochs, ")
        .append(log.errors())
        .append(" errors, tokens in/out ")
        .append(log.usage() == null ? 0 : log.usage().inputTokens())
        .append('/')
        .append(log.usage() == null ? 0 : log.usage().outputTokens())
        .append(", ")
        .append(log.completedAtMillis() - log.startedAtMillis())
        .append(" ms</p>\n");
    h.append("<h2>Metrics</h2>\n<table><tr><th>scorer</th><th>group</th><th>n</th>")
        .append("<th>accuracy</th><th>mean</th><th>stderr</th><th>bootstrap stderr</th></tr>\n");
    for (Map.Entry<String, ScorerMetrics> e : log.metrics().entrySet()) {
      metricRow(h, e.getKey(), "all", e.getValue().overall());
      if (e.getValue().groups() != null) {
        for (Map.Entry<String, MetricSet> g : e.getValue().groups().entrySet()) {
          metricRow(h, e.getKey(), e.getValue().groupBy() + "=" + g.getKey(), g.getValue());
        }
      }
    }
    h.append("</table>\n<h2>Samples</h2>\n<table><tr><th>id</th><th>epoch</th><th>input</th>")
        .append("<th>output</th><th>target</th>");
    List<String> scorers = scorerNames(log);
    for (String s : scorers) {
      h.append("<th>").append(escapeHtml(s)).append("</th>");
    }
    h.append("<th>error</th></tr>\n");
    for (EvalSample s : log.samples()) {
      h.append("<tr><td>")
          .append(escapeHtml(s.id()))
          .append("</td><td>")
          .append(s.epoch())
          .append("</td><td><pre>")
          .append(escapeHtml(inputText(s)))
          .append("</pre></td><td><pre>")
          .append(escapeHtml(s.output()))
          .append("</pre></td><td><pre>")
          .append(escapeHtml(String.join(" | ", s.targets())))
          .append("</pre></td>");
      for (String name : scorers) {
        Score sc = s.scores().get(name);
        h.append("<td>");
        if (sc != null) {
          h.append(escapeHtml(String.valueOf(sc.value())));
          if (sc.answer() != null) {
            h.append(" <small>(").append(escapeHtml(sc.answer())).append(")</small>");
          }
        }
        h.append("</td>");
      }
      h.append("<td class=\"err\">").append(escapeHtml(s.error())).append("</td></tr>\n");
    }
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  private static void metricRow(StringBuilder h, String scorer, String group, MetricSet m) {
    h.append("<tr><td>")
        .append(escapeHtml(scorer))
        .append("</td><td>")
        .append(escapeHtml(group))
        .append("</td><td>")
        .append(m.n())
        .append("</td><td>")
        .append(fmt(m.accuracy()))
        .append("</td><td>")
        .append(fmt(m.mean()))
        .append("</td><td>")
        .append(fmt(m.stderr()))
        .append("</td><td>")
        .append(fmt(m.bootstrapStderr()))
        .append("</td></tr>\n");
  }
}
