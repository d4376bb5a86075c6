package dev.residual.track;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tracked experiment: configuration, metrics per step, images and a summary, handed to its
 * {@link Sink}s on one background thread.
 *
 * <p>Every call ({@link #config}, {@link #log}, {@link #logImage}, {@link #summary}) only copies
 * its arguments into a bounded queue; a daemon thread drains the queue and calls the sinks in the
 * order the records were made, so a training step never waits for disk or network I/O. If the queue
 * is full (the sinks have fallen behind by {@code queueCapacity} records) the caller blocks for up
 * to one second for room, then the record is dropped with a warning; the default bound of 100 000
 * records makes this practically unreachable. All methods are thread-safe.
 *
 * <p>A sink that throws is logged and removed; the others carry on. {@link #finish(int)} waits for
 * the queue to drain (up to the options' {@code finishTimeout}), then finishes and closes every
 * sink. A run that is never finished is finished with exit code 1 by a JVM shutdown hook, so that
 * queued records still reach disk on a normal JVM exit.
 *
 * <p>Start one with {@link Runs#start(RunOptions)}; use it in try-with-resources.
 */
public final class Run implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Run.class);
  private static final long OFFER_WAIT_MILLIS = 1000;

  private final RunInfo info;
  private final List<Sink> sinks;
  private final BlockingQueue<Consumer<List<Sink>>> queue;
  private final Duration finishTimeout;
  private final Map<String, Object> config = new LinkedHashMap<>();
  private final Map<String, Object> summary = new LinkedHashMap<>();
  private final Object lock = new Object();
  private final Thread worker;
  private final Thread shutdownHook;
  private boolean finished;
  private long dropped;

  /**
   * Starts a run that feeds {@code sinks}; {@link Runs#start(RunOptions)} is the usual way in.
   *
   * @param info the run's identity and directory (created if missing)
   * @param sinks the sinks, called in this order
   * @param initialConfig configuration handed to {@link Sink#start}
   * @param queueCapacity bound of the record queue, at least 1
   * @param finishTimeout how long {@link #finish} waits for the queue to drain
   * @throws IllegalArgumentException if {@code queueCapacity < 1}
   * @throws UncheckedIOException if the run directory cannot be created
   */
  public Run(
      RunInfo info,
      List<Sink> sinks,
      Map<String, Object> initialConfig,
      int queueCapacity,
      Duration finishTimeout) {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("Run: queueCapacity must be >= 1, got " + queueCapacity);
    }
    this.info = info;
    this.sinks = new ArrayList<>(sinks);
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.finishTimeout = finishTimeout;
    try {
      Files.createDirectories(info.dir().resolve("media"));
    } catch (IOException e) {
      throw new UncheckedIOException("Run: cannot create run directory " + info.dir(), e);
    }
    config.putAll(toJsonable(initialConfig));
    Map<String, Object> startConfig = new LinkedHashMap<>(config);
    queue.add(all -> forEach(all, "start", s -> s.start(info, startConfig)));
    worker = new Thread(this::drain, "residual-run-" + info.id());
    worker.setDaemon(true);
    worker.start();
    shutdownHook = new Thread(() -> finish(1), "residual-run-" + info.id() + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** The run id (8 lowercase letters and digits). */
  public String id() {
    return info.id();
  }

  /** The run's human-readable name. */
  public String name() {
    return info.name();
  }

  /** The project the run belongs to. */
  public String project() {
    return info.project();
  }

  /** The local run directory, {@code <root>/<project>/<id>/}. */
  public Path dir() {
    return info.dir();
  }

  /** The run's identity as handed to the sinks. */
  public RunInfo info() {
    return info;
  }

  /**
   * Adds or replaces configuration entries. Values should be JSON-like (numbers, strings, booleans,
   * lists, maps); records become maps of their components, enums their names, anything else its
   * {@code toString()}.
   *
   * @throws IllegalStateException if the run has finished
   */
  public void config(Map<String, ?> entries) {
    Map<String, Object> copy = toJsonable(entries);
    synchronized (lock) {
      requireRunning("config");
      config.putAll(copy);
      enqueue(all -> forEach(all, "config", s -> s.config(copy)));
    }
  }

  /**
   * Adds the components of a record (such as a training settings record) to the configuration, one
   * entry per component.
   *
   * @throws IllegalStateException if the run has finished
   */
  public void config(Record settings) {
    config(recordToMap(settings));
  }

  /**
   * Logs metrics at {@code step}. The map is copied; the call returns at once.
   *
   * @throws IllegalArgumentException if a metric name is null or a value is null
   * @throws IllegalStateException if the run has finished
   */
  public void log(long step, Map<String, ? extends Number> metrics) {
    long now = System.currentTimeMillis();
    Map<String, Number> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Number> e : metrics.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(
            "log: metric names and values must not be null, got "
                + e.getKey()
                + "="
                + e.getValue());
      }
      copy.put(e.getKey(), e.getValue());
    }
    synchronized (lock) {
      requireRunning("log");
      enqueue(all -> forEach(all, "log", s -> s.log(step, copy, now)));
    }
  }

  /**
   * Logs an image at {@code step} under {@code key}: the background thread writes it as {@code
   * media/<key>_<step>.png} in the run directory (characters other than letters, digits, {@code .},
   * {@code -} and {@code _} in the key become {@code _}) and hands the path to the sinks. The image
   * is copied, so the caller may reuse it.
   *
   * @throws IllegalArgumentException if {@code key} is empty
   * @throws IllegalStateException if the run has finished
   */
  public void logImage(long step, String key, BufferedImage image) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("logImage: key must not be empty");
    }
    long now = System.currentTimeMillis();
    BufferedImage copy =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
    copy.createGraphics().drawImage(image, 0, 0, null);
    Path png = info.dir().resolve("media").resolve(safeName(key) + "_" + step + ".png");
    synchronized (lock) {
      requireRunning("logImage");
      enqueue(
          all -> {
            try {
              ImageIO.write(copy, "png", png.toFile());
            } catch (IOException e) {
              LOG.warn("run {}: cannot write image {}: {}", info.id(), png, e.toString());
              return;
            }
            forEach(all, "image", s -> s.image(step, key, png, now));
          });
    }
  }

  /**
   * Logs a tensor as an image: {@code [H, W]} (grey) or {@code [C, H, W]} with {@code C} 1 (grey)
   * or 3 (RGB), floating point with values in [0, 1] (values outside are clamped).
   *
   * @throws IllegalArgumentException if the shape or dtype is not one of those
   * @throws IllegalStateException if the run has finished
   */
  public void logImage(long step, String key, Tensor image) {
    logImage(step, key, toImage(image));
  }

  /**
   * Sets a summary entry (a final or best value), replacing any earlier value of {@code key}.
   *
   * @throws IllegalStateException if the run has finished
   */
  public void summary(String key, Object value) {
    Object v = toJsonable(value);
    synchronized (lock) {
      requireRunning("summary");
      summary.put(key, v);
      Map<String, Object> copy = new LinkedHashMap<>(summary);
      enqueue(all -> forEach(all, "summary", s -> s.summary(copy)));
    }
  }

  /**
   * Finishes the run: waits (up to the finish timeout) for every queued record to reach the sinks,
   * then calls {@link Sink#finish} and {@link Sink#close} on each. Calling it again does nothing.
   *
   * @param exitCode 0 for success
   */
  public void finish(int exitCode) {
    synchronized (lock) {
      if (finished) {
        return;
      }
      finished = true;
      if (dropped > 0) {
        LOG.warn("run {}: {} records were dropped because the queue was full", info.id(), dropped);
      }
      // The last record: it must get in even if the queue is full, so wait for room.
      try {
        if (!queue.offer(
            all -> {
              forEach(all, "finish", s -> s.finish(exitCode));
              for (Sink s : all) {
                closeQuietly(s);
              }
              all.clear();
            },
            finishTimeout.toMillis(),
            TimeUnit.MILLISECONDS)) {
          LOG.warn("run {}: the sinks did not keep up; finishing without them", info.id());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (Thread.currentThread() != worker) {
      try {
        worker.join(Math.max(1, finishTimeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (worker.isAlive()) {
        LOG.warn("run {}: sinks still busy after {}; giving up on them", info.id(), finishTimeout);
        worker.interrupt();
      }
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running or about to, and finds us done.
      }
    }
  }

  /** Finishes the run with exit code 0 unless it has finished already. */
  @Override
  public void close() {
    finish(0);
  }

  /** Whether {@link #finish} has been called. */
  public boolean isFinished() {
    synchronized (lock) {
      return finished;
    }
  }

  private void requireRunning(String op) {
    if (finished) {
      throw new IllegalStateException(op + ": run " + info.id() + " has already finished");
    }
  }

  /** Called with {@link #lock} held. */
  private void enqueue(Consumer<List<Sink>> record) {
    try {
      if (!queue.offer(record, OFFER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        if (dropped++ % 1000 == 0) {
          LOG.warn(
              "run {}: record queue full ({} records); dropping ({} so far)",
              info.id(),
              queue.size(),
              dropped);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    try {
      while (true) {
        Consumer<List<Sink>> record = queue.take();
        record.accept(sinks);
        if (sinks.isEmpty() && finishedAndEmpty()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // finish gave up waiting for the sinks.
    }
  }

  private boolean finishedAndEmpty() {
    synchronized (lock) {
      return finished && queue.isEmpty();
    }
  }

  private void forEach(List<Sink> all, String what, Consumer<Sink> call) {
    for (var it = all.iterator(); it.hasNext(); ) {
      Sink s = it.next();
      try {
        call.accept(s);
      } catch (Throwable t) {
        LOG.error(
            "run {}: sink {} failed in {} and is removed",
            info.id(),
            s.getClass().getSimpleName(),
            what,
            t);
        it.remove();
        closeQuietly(s);
      }
    }
  }

  private void closeQuietly(Sink s) {
    try {
      s.close();
    } catch (Throwable t) {
      LOG.warn("run {}: sink {} failed to close: {}", info.id(), s.getClass().getSimpleName(), t);
    }
  }

  static String safeName(String key) {
    return key.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * A tensor {@code [H, W]} or {@code [C, H, W]} (C = 1 or 3, floating, values in [0, 1]) as an RGB
   * image.
   *
   * @throws IllegalArgumentException if the shape or dtype does not fit
   */
  static BufferedImage toImage(Tensor t) {
    long[] shape = t.shape();
    if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
      throw new IllegalArgumentException(
          "logImage: image tensor must be FLOAT32 or FLOAT64, got " + t.dtype());
    }
    int c;
    if (shape.length == 2) {
      c = 1;
    } else if (shape.length == 3 && (shape[0] == 1 || shape[0] == 3)) {
      c = (int) shape[0];
    } else {
      throw new IllegalArgumentException(
          "logImage: image tensor must be [H, W] or [C, H, W] with C = 1 or 3, got "
              + Arrays.toString(shape));
    }
    int h = (int) shape[shape.length - 2];
    int w = (int) shape[shape.length - 1];
    if (h < 1 || w < 1) {
      throw new IllegalArgumentException(
          "logImage: image tensor must not be empty, got " + Arrays.toString(shape));
    }
    float[] v = t.contiguous().toFloatArray();
    int plane = h * w;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        int r = byteOf(v[p]);
        int g = c == 3 ? byteOf(v[plane + p]) : r;
        int b = c == 3 ? byteOf(v[2 * plane + p]) : r;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  private static int byteOf(float f) {
    // NaN compares false, so it lands on 0.
    float clamped = f > 1 ? 1 : (f > 0 ? f : 0);
    return Math.round(clamped * 255);
  }

  static Map<String, Object> recordToMap(Record r) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        out.put(c.getName(), accessor.invoke(r));
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalArgumentException(
            "config: cannot read component " + c.getName() + " of " + r.getClass().getName(), e);
      }
    }
    return out;
  }

  private static Map<String, Object> toJsonable(Map<String, ?> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : m.entrySet()) {
      out.put(String.valueOf(e.getKey()), toJsonable(e.getValue()));
    }
    return out;
  }

  private static Object toJsonable(Object v) {
    if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v;
    }
    if (v instanceof Record r) {
      return toJsonable(recordToMap(r));
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), toJsonable(x)));
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(x -> out.add(toJsonable(x)));
      return out;
    }
    if (v.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      int n = java.lang.reflect.Array.getLength(v);
      for (int i = 0; i < n; i++) {
        out.add(toJsonable(java.lang.reflect.Array.get(v, i)));
      }
      return out;
    }
    return v.toString();
  }
}
