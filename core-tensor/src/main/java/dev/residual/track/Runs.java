package dev.residual.track;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link Run}s and picks their sinks.
 *
 * <p>Every run gets a {@link LocalSink} (the run directory {@code <rootDir>/<project>/<id>/}), a
 * {@link ConsoleSink} unless {@link RunOptions#console()} is off, the options' extra sinks, and a
 * sink from each registered factory. The factory named {@value #WANDB} is only consulted when
 * {@link RunOptions#wandbEnabled()} ({@code WANDB_API_KEY} set, {@code WANDB_MODE} neither {@code
 * disabled} nor {@code offline}).
 *
 * <p>The W&B sink lives in {@code dev.residual.track.wandb} and registers itself through {@link
 * #registerSinkFactory(String, Function)} from its class's static initialiser; so that it needs no
 * compile-time link from here, {@code start} loads the class {@value #WANDB_CLASS} by name when W&B
 * is enabled and no factory named {@value #WANDB} is registered yet. If the class has no such
 * initialiser but a public static {@code create(RunOptions)} method returning a {@link Sink} or a
 * public constructor taking {@link RunOptions}, that is used instead.
 */
public final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  /** Name of the W&B sink factory. */
  public static final String WANDB = "wandb";

  /** Class of the W&B sink, loaded by name to keep this package free of a compile dependency. */
  public static final String WANDB_CLASS = "dev.residual.track.wandb.WandbSink";

  private static final Map<String, Function<RunOptions, Sink>> FACTORIES = new LinkedHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private Runs() {}

  /**
   * Registers (or replaces) a sink factory consulted by every later {@link #start}. A factory may
   * return null to add no sink for a run. The factory named {@value #WANDB} is only called when W&B
   * is enabled.
   */
  public static synchronized void registerSinkFactory(
      String name, Function<RunOptions, Sink> factory) {
    FACTORIES.put(name, factory);
  }

  /** Removes a sink factory; returns whether one was registered under {@code name}. */
  public static synchronized boolean unregisterSinkFactory(String name) {
    return FACTORIES.remove(name) != null;
  }

  /** Starts a run in {@code project} with default options. */
  public static Run start(String project) {
    return start(RunOptions.builder().project(project).build());
  }

  /**
   * Starts a run: makes its id and directory and starts its sinks (see the class comment).
   *
   * @throws IllegalArgumentException if the project name is not usable as a directory name
   * @throws java.io.UncheckedIOException if the run directory cannot be created
   */
  public static Run start(RunOptions options) {
    String project = options.resolvedProject();
    if (project.contains("/")
        || project.contains("\\")
        || project.equals("..")
        || project.equals(".")) {
      throw new IllegalArgumentException(
          "Runs.start: project must be usable as a directory name, got '" + project + "'");
    }
    String id = newId();
    String name =
        options.name() != null && !options.name().isBlank()
            ? options.name()
            : "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    String entity = options.entity() != null ? options.entity() : options.env().get("WANDB_ENTITY");
    Path dir = options.rootDir().resolve(project).resolve(id);
    RunInfo info = new RunInfo(id, name, project, entity, options.tags(), dir);

    List<Sink> sinks = new ArrayList<>();
    sinks.add(new LocalSink(options.reportInterval()));
    if (options.console()) {
      sinks.add(ConsoleSink.auto(options.totalSteps(), options.env()));
    }
    sinks.addAll(options.extraSinks());
    sinks.addAll(factorySinks(options));
    return new Run(info, sinks, options.config(), options.queueCapacity(), options.finishTimeout());
  }

  /** A fresh run id: 8 characters from {@code [a-z0-9]}, drawn from a {@link SecureRandom}. */
  public static String newId() {
    char[] c = new char[8];
    for (int i = 0; i < c.length; i++) {
      c[i] = ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length()));
    }
    return new String(c);
  }

  private static List<Sink> factorySinks(RunOptions options) {
    boolean wandb = options.wandbEnabled();
    if (wandb) {
      loadWandbClass();
    }
    Map<String, Function<RunOptions, Sink>> factories;
    synchronized (Runs.class) {
      factories = new LinkedHashMap<>(FACTORIES);
    }
    List<Sink> out = new ArrayList<>();
    for (Map.Entry<String, Function<RunOptions, Sink>> e : factories.entrySet()) {
      if (e.getKey().equals(WANDB) && !wandb) {
        continue;
      }
      try {
        Sink s = e.getValue().apply(options);
        if (s != null) {
          out.add(s);
        }
      } catch (RuntimeException ex) {
        // A broken optional sink must not stop training; the local run directory still records it.
        LOG.error("sink factory {} failed; the run goes on without it", e.getKey(), ex);
      }
    }
    return out;
  }

  private static void loadWandbClass() {
    synchronized (Runs.class) {
      if (FACTORIES.containsKey(WANDB)) {
        return;
      }
    }
    Class<?> cls;
    try {
      cls = Class.forName(WANDB_CLASS, true, Runs.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      LOG.warn(
          "WANDB_API_KEY is set but {} is not on the class path; logging locally", WANDB_CLASS);
      return;
    }
    synchronized (Runs.class) {
      if (FACTORIES.containsKey(WANDB)) {
        return;
      }
    }
    Function<RunOptions, Sink> factory = null;
    try {
      var create = cls.getMethod("create", RunOptions.class);
      if (java.lang.reflect.Modifier.isStatic(create.getModifiers())
          && Sink.class.isAssignableFrom(create.getReturnType())) {
        factory = o -> invoke(() -> (Sink) create.invoke(null, o));
      }
    } catch (NoSuchMethodException e) {
      // Try the constructor below.
    }
    if (factory == null && Sink.class.isAssignableFrom(cls)) {
      try {
        var ctor = cls.getConstructor(RunOptions.class);
        factory = o -> invoke(() -> (Sink) ctor.newInstance(o));
      } catch (NoSuchMethodException e) {
        // No usable entry point.
      }
    }
    if (factory == null) {
      LOG.warn(
          "{} neither registers a '{}' sink factory nor offers create(RunOptions) or a"
              + " (RunOptions) constructor; logging locally",
          WANDB_CLASS,
          WANDB);
      return;
    }
    synchronized (Runs.class) {
      FACTORIES.putIfAbsent(WANDB, factory);
    }
  }

  private interface Reflective<T> {
    T get() throws ReflectiveOperationException;
  }

  private static <T> T invoke(Reflective<T> call) {
    try {
      return call.get();
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
