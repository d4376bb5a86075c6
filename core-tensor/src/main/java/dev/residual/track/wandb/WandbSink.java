package dev.residual.track.wandb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.residual.track.RunInfo;
import dev.residual.track.Sink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a run to Weights & Biases.
 *
 * <p>Every call only queues its record; one thread of the sink's own ("wandb-sink") does all the
 * network I/O, so a slow or dead server never holds up the run. That thread creates the run with
 * {@code upsertBucket} when the run starts and then, every {@code batchInterval}, uploads queued
 * images, posts the queued history lines as one {@code wandb-history.jsonl} chunk and the summary
 * as a whole {@code wandb-summary.json}, or a heartbeat (empty {@code files}, {@code complete:
 * false}) when nothing was posted for {@code heartbeatInterval}.
 *
 * <p>History offsets count lines the server has acknowledged: a chunk that fails is kept and resent
 * with the same offset and the same lines before anything newer, so the server sees every line
 * once, in order, with no gap. What cannot be sent stays queued (the local run directory holds
 * everything anyway, for {@link WandbSync}); failures are logged through SLF4J, never thrown. A
 * refusal that retrying cannot fix (bad API key, unknown project) switches the sink off for the
 * rest of the run.
 *
 * <p>At most 200,000 history lines wait for the server; beyond that, new lines are kept only in the
 * local run directory. Non-finite metric values are sent as the strings {@code "NaN"}, {@code
 * "Infinity"}, {@code "-Infinity"}, as the local run directory writes them.
 *
 * <p>In OFFLINE or DISABLED mode the sink does nothing at all.
 */
public final class WandbSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(WandbSink.class);
  private static final int MAX_LINES_PER_POST = 1000;
  // About 100 MB of rows; past it a long outage would eat the training process's memory.
  private static final int MAX_PENDING_LINES = 200_000;
  static final String HISTORY = "wandb-history.jsonl";
  static final String SUMMARY = "wandb-summary.json";
  // The official client's heartbeat says "still running"; the empty files keep the stream alive.
  private static final Map<String, Object> HEARTBEAT =
      Map.of("files", Map.of(), "complete", false, "failed", false);

  private final WandbSettings settings;
  private final WandbClient client;
  private final boolean ownsClient;
  private final Duration batchInterval;
  private final Duration heartbeatInterval;
  private final Duration finishTimeout;
  private final ScheduledExecutorService exec;

  // Everything below is touched only by the sink's thread.
  private RunInfo info;
  private String entity;
  private String project;
  private String bucketId;
  private final Map<String, Object> config = new LinkedHashMap<>();
  private boolean configDirty;
  private final List<ObjectNode> pending = new ArrayList<>();
  private List<String> inFlight = List.of();
  private long offset;
  private final Map<String, Object> lastMetrics = new LinkedHashMap<>();
  private final Map<String, Object> explicitSummary = new LinkedHashMap<>();
  private boolean summaryDirty;
  private final ArrayDeque<Media> media = new ArrayDeque<>();
  private long startMillis;
  private long lastPostNanos;
  private boolean failing;
  private boolean off;
  private boolean completed;
  private long droppedLines;

  /**
   * A sink with the default timings: batches every 5 s, a heartbeat after 30 s idle, {@link
   * #finish} waiting at most 60 s for the server.
   */
  public WandbSink(WandbSettings settings) {
    this(
        settings,
        settings.mode() == WandbSettings.Mode.ONLINE ? new WandbClient(settings) : null,
        true,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60));
  }

  /**
   * The sink the environment asks for ({@code WANDB_*}, see {@link WandbSettings#fromEnvironment});
   * it does nothing unless the mode is ONLINE.
   *
   * @param env the environment, usually {@code System.getenv()}
   * @param defaultProject the project when {@code WANDB_PROJECT} is not set
   * @throws IllegalArgumentException if {@code WANDB_MODE} is invalid or online without a key
   */
  public static WandbSink fromEnvironment(Map<String, String> env, String defaultProject) {
    return new WandbSink(WandbSettings.fromEnvironment(env, defaultProject));
  }

  /**
   * The sink {@link dev.residual.track.Runs#start} adds when W&B is enabled: settings from the run
   * options' environment, the run's project as the default project.
   *
   * @throws IllegalArgumentException if {@code WANDB_MODE} is invalid or online without a key
   */
  public static WandbSink create(dev.residual.track.RunOptions options) {
    String project = options.project() != null ? options.project() : "uncategorized";
    return fromEnvironment(options.env(), project);
  }

  /**
   * A sink that talks through {@code client} (which it does not close) with explicit timings.
   *
   * @param client the client; ignored (may be null) unless the mode is ONLINE
   * @param batchInterval the pause between posts
   * @param heartbeatInterval the idle time after which a heartbeat is posted
   * @param finishTimeout how long {@link #finish} waits for the last posts
   * @throws IllegalArgumentException if the mode is ONLINE and {@code client} is null, or an
   *     interval is not positive
   */
  public WandbSink(
      WandbSettings settings,
      WandbClient client,
      Duration batchInterval,
      Duration heartbeatInterval,
      Duration finishTimeout) {
    this(settings, client, false, batchInterval, heartbeatInterval, finishTimeout);
  }

  private WandbSink(
      WandbSettings settings,
      WandbClient client,
      boolean ownsClient,
      Duration batchInterval,
      Duration heartbeatInterval,
      Duration finishTimeout) {
    boolean online = settings.mode() == WandbSettings.Mode.ONLINE;
    if (online && client == null) {
      throw new IllegalArgumentException("WandbSink: mode is ONLINE but no client was given");
    }
    if (batchInterval.isNegative()
        || batchInterval.isZero()
        || heartbeatInterval.isNegative()
        || heartbeatInterval.isZero()
        || finishTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "WandbSink: intervals must be positive, got batch="
              + batchInterval
              + ", heartbeat="
              + heartbeatInterval
              + ", finishTimeout="
              + finishTimeout);
    }
    this.settings = settings;
    this.client = online ? client : null;
    this.ownsClient = ownsClient;
    this.batchInterval = batchInterval;
    this.heartbeatInterval = heartbeatInterval;
    this.finishTimeout = finishTimeout;
    this.exec =
        online
            ? Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "wandb-sink");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /** Queues the run's creation; the run is created on W&B from the sink's thread. */
  @Override
  public void start(RunInfo run, Map<String, Object> config) {
    Map<String, Object> copy = new LinkedHashMap<>(config);
    submit(
        () -> {
          info = run;
          project = run.project() != null ? run.project() : settings.project();
          entity = run.entity() != null ? run.entity() : settings.entity();
          this.config.putAll(copy);
          startMillis = System.currentTimeMillis();
          lastPostNanos = System.nanoTime();
          ensureRun();
        });
    if (exec != null) {
      long ms = batchInterval.toMillis();
      try {
        exec.scheduleWithFixedDelay(this::tick, ms, ms, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("wandb: sink already closed", e);
      }
    }
  }

  /** Queues a configuration update (sent with {@code upsertBucket} on the next batch). */
  @Override
  public void config(Map<String, Object> config) {
    Map<String, Object> copy = new LinkedHashMap<>(config);
    submit(
        () -> {
          this.config.putAll(copy);
          configDirty = true;
        });
  }

  /** Queues one history line; the metrics also become the summary's latest values. */
  @Override
  public void log(long step, Map<String, Number> metrics, long timestampMillis) {
    Map<String, Number> copy = new LinkedHashMap<>(metrics);
    submit(
        () -> {
          ObjectNode row = historyRow(step, timestampMillis);
          for (Map.Entry<String, Number> e : copy.entrySet()) {
            putNumber(row, e.getKey(), e.getValue());
            lastMetrics.put(e.getKey(), e.getValue());
          }
          summaryDirty = true;
          if (pending.size() >= MAX_PENDING_LINES) {
            if (droppedLines++ == 0) {
              LOG.warn(
                  "wandb: {} history lines wait for the server; later lines are kept only in the"
                      + " local run directory (upload it with `residual track sync <run-dir>`)",
                  pending.size());
            }
            return;
          }
          pending.add(row);
        });
  }

  /**
   * Queues the PNG for upload as {@code media/images/<key>_<step>_<sha>.png} and references it from
   * the history at {@code step} (W&B's {@code image-file} value), so it shows in the UI.
   */
  @Override
  public void image(long step, String key, Path png, long timestampMillis) {
    submit(
        () -> {
          byte[] bytes;
          try {
            bytes = Files.readAllBytes(png);
          } catch (IOException e) {
            LOG.warn("wandb: cannot read image {} ({}); not uploaded", png, e.toString());
            return;
          }
          String sha = sha256(bytes);
          String name =
              "media/images/"
                  + key.replaceAll("[^A-Za-z0-9_.-]", "_")
                  + "_"
                  + step
                  + "_"
                  + sha.substring(0, 20)
                  + ".png";
          media.add(new Media(name, bytes));
          ObjectNode ref = WandbClient.MAPPER.createObjectNode();
          ref.put("_type", "image-file");
          ref.put("path", name);
          ref.put("sha256", sha);
          ref.put("size", bytes.length);
          ref.put("format", "png");
          if (bytes.length >= 24) {
            ref.put("width", readInt(bytes, 16));
            ref.put("height", readInt(bytes, 20));
          }
          // A metrics row of the same step not yet sent takes the image, so the step stays one row.
          ObjectNode last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
          if (last != null && last.path("_step").asLong(-1) == step) {
            last.set(key, ref);
          } else {
            ObjectNode row = historyRow(step, timestampMillis);
            row.set(key, ref);
            pending.add(row);
          }
        });
  }

  /** Queues the summary; it replaces the previous one on the server as a whole. */
  @Override
  public void summary(Map<String, Object> summary) {
    Map<String, Object> copy = new LinkedHashMap<>(summary);
    submit(
        () -> {
          explicitSummary.clear();
          explicitSummary.putAll(copy);
          summaryDirty = true;
        });
  }

  /**
   * Sends everything still queued, then {@code {"complete": true, "exitcode": exitCode}}; waits at
   * most the finish timeout and never throws. What could not be sent stays in the local run
   * directory for {@link WandbSync}.
   */
  @Override
  public void finish(int exitCode) {
    if (exec == null) {
      return;
    }
    Future<?> done;
    try {
      done = exec.submit(() -> finishNow(exitCode));
    } catch (RejectedExecutionException e) {
      return;
    }
    try {
      done.get(finishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "wandb: run not finished on the server within {}; the local run directory has"
              + " everything (upload it with `residual track sync <run-dir>`)",
          finishTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("wandb: finishing the run failed", e.getCause());
    }
  }

  /** Stops the sink's thread (abandoning a retry in progress) and releases the client. */
  @Override
  public void close() {
    if (exec == null) {
      return;
    }
    exec.shutdownNow();
    try {
      exec.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (ownsClient) {
      client.close();
    }
  }

  /** History lines the server has acknowledged (the next chunk's offset); for tests. */
  long acknowledgedLines() {
    try {
      return exec.submit(() -> offset).get(finishTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return -1;
    }
  }

  private void submit(Runnable task) {
    if (exec == null) {
      return;
    }
    try {
      exec.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.warn("wandb: internal error; record dropped", e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("wandb: record after close dropped");
    }
  }

  private void tick() {
    try {
      if (off || completed || info == null || !ensureRun()) {
        return;
      }
      if (!sendConfig() || !uploadMedia()) {
        return;
      }
      if (!postStream() && !failing && elapsedSinceLastPost() >= heartbeatInterval.toNanos()) {
        post(HEARTBEAT, "heartbeat");
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; keep the schedule alive.
      LOG.warn("wandb: internal error in the sender", e);
    }
  }

  private void finishNow(int exitCode) {
    if (off || completed || info == null || !ensureRun()) {
      return;
    }
    boolean ok = sendConfig() && uploadMedia();
    while (ok && (!inFlight.isEmpty() || !pending.isEmpty() || summaryDirty)) {
      ok = postStream();
    }
    if (ok) {
      Map<String, Object> end = new LinkedHashMap<>();
      end.put("complete", true);
      end.put("exitcode", exitCode);
      ok = post(end, "finish");
    }
    if (ok) {
      completed = true;
    } else if (!off) {
      LOG.warn(
          "wandb: run {} could not be finished on the server; the local run directory has"
              + " everything (upload it with `residual track sync <run-dir>`)",
          info.id());
    }
  }

  /** Creates the run on the server if that has not happened yet; false while it cannot. */
  private boolean ensureRun() {
    if (bucketId != null) {
      return true;
    }
    if (off) {
      return false;
    }
    try {
      if (entity == null) {
        entity = client.viewerEntity();
      }
      bucketId =
          client.upsertRun(null, entity, project, info.id(), info.name(), info.tags(), config);
      configDirty = false;
      succeeded();
      LOG.info("wandb: run {}/{}/{} created", entity, project, info.id());
      return true;
    } catch (WandbException e) {
      failed("creating the run", e);
      return false;
    }
  }

  private boolean sendConfig() {
    if (!configDirty) {
      return true;
    }
    try {
      client.upsertRun(bucketId, entity, project, info.id(), null, null, config);
      configDirty = false;
      succeeded();
      return true;
    } catch (WandbException e) {
      failed("updating the config", e);
      return false;
    }
  }

  private boolean uploadMedia() {
    while (!media.isEmpty()) {
      Media m = media.peek();
      try {
        WandbClient.UploadUrls urls =
            client.uploadUrls(entity, project, info.id(), List.of(m.name));
        client.upload(urls.urls().get(m.name), m.bytes, "image/png", urls.headers());
        media.poll();
        succeeded();
      } catch (WandbException e) {
        if (e.transientFailure()) {
          failed("uploading " + m.name, e);
          return false;
        }
        // One file refused (too large, bad name) must not block the metrics behind it.
        LOG.warn("wandb: upload of {} refused; skipped: {}", m.name, e.getMessage());
        media.poll();
      }
    }
    return true;
  }

  /**
   * Posts the pending history chunk and summary, if any; false if there was nothing to post or the
   * post failed.
   */
  private boolean postStream() {
    if (inFlight.isEmpty() && !pending.isEmpty()) {
      int n = Math.min(pending.size(), MAX_LINES_PER_POST);
      List<String> lines = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        lines.add(json(pending.get(i)));
      }
      pending.subList(0, n).clear();
      inFlight = List.copyOf(lines);
    }
    if (inFlight.isEmpty() && !summaryDirty) {
      return false;
    }
    Map<String, Object> files = new LinkedHashMap<>();
    if (!inFlight.isEmpty()) {
      files.put(HISTORY, chunk(offset, inFlight));
    }
    if (summaryDirty) {
      Map<String, Object> whole = new LinkedHashMap<>(lastMetrics);
      whole.putAll(explicitSummary);
      files.put(SUMMARY, chunk(0, List.of(json(whole))));
    }
    if (!post(Map.of("files", files), "file_stream")) {
      return false;
    }
    offset += inFlight.size();
    inFlight = List.of();
    summaryDirty = false;
    return true;
  }

  static Map<String, Object> chunk(long offset, List<String> content) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("offset", offset);
    c.put("content", content);
    return c;
  }

  private boolean post(Map<String, ?> payload, String what) {
    try {
      client.fileStream(entity, project, info.id(), payload);
      lastPostNanos = System.nanoTime();
      succeeded();
      return true;
    } catch (WandbException e) {
      failed(what, e);
      return false;
    }
  }

  private long elapsedSinceLastPost() {
    return System.nanoTime() - lastPostNanos;
  }

  private void succeeded() {
    if (failing) {
      LOG.info("wandb: the server answers again");
      failing = false;
    }
  }

  private void failed(String what, WandbException e) {
    if (!e.transientFailure()) {
      LOG.error(
          "wandb: {} refused ({}); W&B logging is off for this run, the local run directory"
              + " keeps everything",
          what,
          e.getMessage());
      off = true;
    } else if (!failing) {
      LOG.warn(
          "wandb: {} failed ({}); unsent records stay queued and are retried",
          what,
          e.getMessage());
      failing = true;
    } else {
      LOG.debug("wandb: {} failed again ({})", what, e.getMessage());
    }
  }

  private ObjectNode historyRow(long step, long timestampMillis) {
    ObjectNode row = WandbClient.MAPPER.createObjectNode();
    row.put("_step", step);
    row.put("_timestamp", timestampMillis / 1000.0);
    row.put("_runtime", Math.max(0, timestampMillis - startMillis) / 1000.0);
    return row;
  }

  static void putNumber(ObjectNode row, String key, Number v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      row.put(key, v.longValue());
    } else {
      row.put(key, v.doubleValue());
    }
  }

  static String json(Object value) {
    try {
      return WandbClient.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("wandb: value is not JSON-serialisable", e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }

  private static int readInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private record Media(String name, byte[] bytes) {}
}
