package dev.residual.track;

import java.nio.file.Path;
import java.util.Map;

/**
 * One destination of a run's records: the console, the local run directory, Weights & Biases.
 *
 * <p>A {@link Run} calls a sink from one background thread, in the order the records were made,
 * never from the training thread, so a sink may block on I/O. A sink must not throw for a transient
 * failure (network, disk full): it logs the problem through SLF4J and carries on; anything it
 * throws is caught, logged, and the sink is dropped from the run.
 */
public interface Sink extends AutoCloseable {
  /** The run started; {@code config} is its configuration (JSON-serialisable values). */
  void start(RunInfo run, Map<String, Object> config);

  /** The configuration changed (keys added or replaced). */
  void config(Map<String, Object> config);

  /**
   * Metrics logged at {@code step}.
   *
   * @param timestampMillis wall-clock time of the {@code log} call, milliseconds since the epoch
   */
  void log(long step, Map<String, Number> metrics, long timestampMillis);

  /**
   * An image logged at {@code step} under {@code key}, already written as a PNG at {@code png}
   * inside the run directory's {@code media/} folder.
   */
  void image(long step, String key, Path png, long timestampMillis);

  /** The summary changed; {@code summary} is the whole summary so far. */
  void summary(Map<String, Object> summary);

  /** The run finished with {@code exitCode} (0 = success); the last call before {@link #close}. */
  void finish(int exitCode);

  /** Releases resources; called once, after {@link #finish}. */
  @Override
  void close();
}
