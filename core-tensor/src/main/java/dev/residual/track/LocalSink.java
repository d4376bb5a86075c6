package dev.residual.track;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local run directory {@code runs/<project>/<run-id>/}:
 *
 * <ul>
 *   <li>{@code run.json}: id, name, project, entity, tags, start and end time, state ({@code
 *       running}, {@code finished}, {@code crashed}) and exit code;
 *   <li>{@code config.json}: the configuration;
 *   <li>{@code metrics.jsonl}: one JSON object per {@code log} call with {@code _step}, {@code
 *       _timestamp} (seconds since the epoch) and the metrics; non-finite values are written as the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} so that every line is strict
 *       JSON;
 *   <li>{@code summary.json}: the summary;
 *   <li>{@code media/}: the logged images (written by the {@link Run});
 *   <li>{@code index.html}: a self-contained report (inline SVG charts, no external scripts) with
 *       every metric as a line chart, the images, the configuration and the summary.
 * </ul>
 *
 * <p>Each metrics line is handed to the operating system with a single unbuffered write, so a
 * crashed or killed JVM loses at most the line being written. JSON files and the report are
 * replaced atomically (written to a temporary file, then moved over the old one), so a reader never
 * sees half a file. The report is rewritten at the start, at most every {@code reportInterval}
 * while metrics arrive, and at the end, so a crashed run still has a report of what was logged
 * until shortly before the crash.
 *
 * <p>I/O failures are logged and the sink carries on (a full disk must not stop training).
 */
public final class LocalSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSink.class);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  private final long reportIntervalMillis;
  private RunInfo run;
  private Path dir;
  private OutputStream metrics;
  private final Map<String, Object> config = new LinkedHashMap<>();
  private Map<String, Object> summary = new LinkedHashMap<>();
  private final HtmlReport.Data data = new HtmlReport.Data();
  private final Map<String, Object> runJson = new LinkedHashMap<>();
  private long lastReportMillis;
  private boolean reportDirty;

  /** A local sink that rewrites the report at most every 5 seconds while the run goes. */
  public LocalSink() {
    this(Duration.ofSeconds(5));
  }

  /**
   * A local sink that rewrites the report at most every {@code reportInterval} while the run goes.
   */
  public LocalSink(Duration reportInterval) {
    this.reportIntervalMillis = reportInterval.toMillis();
  }

  @Override
  public void start(RunInfo run, Map<String, Object> config) {
    this.run = run;
    this.dir = run.dir();
    try {
      Files.createDirectories(dir.resolve("media"));
      // Append, so that a second process resuming the same directory does not wipe the history.
      metrics = new FileOutputStream(dir.resolve("metrics.jsonl").toFile(), true);
    } catch (IOException e) {
      throw new IllegalStateException("LocalSink: cannot open run directory " + dir, e);
    }
    runJson.put("id", run.id());
    runJson.put("name", run.name());
    runJson.put("project", run.project());
    runJson.put("entity", run.entity());
    runJson.put("tags", run.tags());
    runJson.put("startTime", Instant.now().toString());
    runJson.put("state", "running");
    runJson.put("exitCode", null);
    writeJson("run.json", runJson);
    this.config.putAll(config);
    writeJson("config.json", this.config);
    writeReport();
  }

  @Override
  public void config(Map<String, Object> entries) {
    config.putAll(entries);
    writeJson("config.json", config);
    reportDirty = true;
  }

  @Override
  public void log(long step, Map<String, Number> values, long timestampMillis) {
    ObjectNode line = JSON_LINE.createObjectNode();
    line.put("_step", step);
    line.put("_timestamp", timestampMillis / 1000.0);
    for (Map.Entry<String, Number> e : values.entrySet()) {
      Number n = e.getValue();
      if (n instanceof Double || n instanceof Float) {
        double d = n.doubleValue();
        if (Double.isFinite(d)) {
          line.put(e.getKey(), d);
        } else {
          line.put(e.getKey(), Double.isNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"));
        }
      } else if (n instanceof Long
          || n instanceof Integer
          || n instanceof Short
          || n instanceof Byte) {
        line.put(e.getKey(), n.longValue());
      } else {
        line.put(e.getKey(), n.doubleValue());
      }
      data.add(e.getKey(), step, n.doubleValue());
    }
    try {
      byte[] bytes = (JSON_LINE.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      metrics.write(bytes);
    } catch (IOException e) {
      LOG.warn("LocalSink: cannot append to {}/metrics.jsonl: {}", dir, e.toString());
    }
    reportDirty = true;
    maybeWriteReport();
  }

  @Override
  public void image(long step, String key, Path png, long timestampMillis) {
    data.addImage(key, step, dir.relativize(png).toString().replace('\\', '/'));
    reportDirty = true;
    maybeWriteReport();
  }

  @Override
  public void summary(Map<String, Object> summary) {
    this.summary = new LinkedHashMap<>(summary);
    writeJson("summary.json", this.summary);
    reportDirty = true;
  }

  @Override
  public void finish(int exitCode) {
    runJson.put("state", exitCode == 0 ? "finished" : "crashed");
    runJson.put("exitCode", exitCode);
    runJson.put("endTime", Instant.now().toString());
    writeJson("run.json", runJson);
    writeReport();
  }

  @Override
  public void close() {
    if (metrics != null) {
      try {
        metrics.close();
      } catch (IOException e) {
        LOG.warn("LocalSink: cannot close {}/metrics.jsonl: {}", dir, e.toString());
      }
      metrics = null;
    }
  }

  private void maybeWriteReport() {
    long now = System.currentTimeMillis();
    if (reportDirty && now - lastReportMillis >= reportIntervalMillis) {
      writeReport();
    }
  }

  private void writeReport() {
    lastReportMillis = System.currentTimeMillis();
    reportDirty = false;
    String html = HtmlReport.render(run, runJson, config, summary, data);
    writeAtomically("index.html", html.getBytes(StandardCharsets.UTF_8));
  }

  private void writeJson(String file, Object value) {
    try {
      writeAtomically(file, JSON.writeValueAsBytes(value));
    } catch (IOException e) {
      LOG.warn("LocalSink: cannot serialise {}: {}", file, e.toString());
    }
  }

  private void writeAtomically(String file, byte[] bytes) {
    Path target = dir.resolve(file);
    Path tmp = dir.resolve(file + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("LocalSink: cannot write {}: {}", target, e.toString());
    }
  }

  /** The names of the metrics seen so far, in first-seen order (for tests and reports). */
  List<String> metricNames() {
    return new ArrayList<>(data.series.keySet());
  }
}
