package dev.residual.evals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.residual.evals.log.EvalLog;
import dev.residual.evals.log.EvalLogs;
import dev.residual.evals.log.EvalSample;
import dev.residual.evals.log.EvalSpec;
import dev.residual.evals.log.JournalHeader;
import dev.residual.evals.log.LogMessage;
import dev.residual.evals.log.ReducedSample;
import dev.residual.evals.log.ScorerMetrics;
import dev.residual.evals.metrics.MetricSet;
import dev.residual.evals.metrics.Metrics;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.TokenUsage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Runs a {@link Task} against a {@link ChatModel} and produces an {@link EvalLog}.
 *
 * <p>Every (sample, epoch) pair runs the task's solver chain on a fresh {@link TaskState}, then
 * every scorer. Pairs run in parallel on a fixed pool of {@code maxConnections} threads (one model
 * call in flight per thread). An exception from a solver, the model or a scorer is recorded as that
 * pair's error and the run goes on; an {@link Error} (or interruption) stops the run.
 *
 * <p>With a log path, the run is interruption-safe: each finished pair is appended to a journal
 * ({@link #journalPath(Path)}, JSON lines, flushed per line). A rerun with the same log path reads
 * the journal (ignoring a partial last line), skips the pairs that finished without error, and
 * produces the same log as an uninterrupted run (timings aside). The journal is kept after a run,
 * so rerunning a finished run rebuilds its log without calling the model; delete it to start over.
 */
public final class EvalRunner {
  private static final ObjectMapper MAPPER = EvalLogs.mapper();
  private static final ObjectWriter LINE_WRITER =
      MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

  private final ChatModel model;
  private final Path logPath;
  private final int maxConnections;
  private final Boolean progress;
  private final int bootstrapResamples;
  private final long bootstrapSeed;
  private final String groupBy;

  private EvalRunner(Builder b) {
    this.model = Objects.requireNonNull(b.model, "EvalRunner: model");
    this.logPath = b.logPath;
    this.maxConnections = b.maxConnections;
    this.progress = b.progress;
    this.bootstrapResamples = b.bootstrapResamples;
    this.bootstrapSeed = b.bootstrapSeed;
    this.groupBy = b.groupBy;
  }

  /** A builder for a runner against {@code model}. */
  public static Builder builder(ChatModel model) {
    return new Builder(model);
  }

  /** The journal of the run logged at {@code logPath}: {@code <logPath>.journal.jsonl}. */
  public static Path journalPath(Path logPath) {
    return logPath.resolveSibling(logPath.getFileName() + ".journal.jsonl");
  }

  /** The {@link Generate} given to solvers: one model call, the reply appended and recorded. */
  Generate generateFor(ChatModel m) {
    return state -> {
      // A cache keys its entries by epoch (from 0) too, so each epoch is a fresh sample of the
      // model and a rerun of the same epoch is served from disk.
      ChatModel target =
          m instanceof dev.residual.evals.model.CachingChatModel cache
              ? cache.forEpoch(state.epoch() - 1)
              : m;
      ModelOutput o =
          target.generate(
              List.copyOf(state.messages()), state.config(), List.copyOf(state.tools()));
      state.messages().add(o.message());
      state.output(o);
      return state;
    };
  }

  /** One (sample, epoch) pair. */
  private record Key(String id, int epoch) {}

  /**
   * Runs {@code task} (resuming from the journal when one exists at the log path), writes the log
   * atomically when a log path is set, and returns it.
   *
   * @throws IllegalStateException if the journal at the log path belongs to another task or model
   * @throws CancellationException if the calling thread is interrupted (a CANCELLED log is written
   *     first)
   * @throws Error any {@link Error} thrown while solving or scoring (a CANCELLED log is written
   *     first)
   * @throws UncheckedIOException on a journal or log I/O error
   */
  public EvalLog run(Task task) {
    List<Sample> samples = task.samples();
    EvalSpec spec = spec(task, samples.size());
    Map<Key, EvalSample> done = new HashMap<>();
    JournalHeader header;
    Journal journal = null;
    if (logPath != null) {
      Path jp = journalPath(logPath);
      header = readJournal(jp, done);
      if (header == null) {
        header =
            new JournalHeader(
                UUID.randomUUID().toString(),
                task.name(),
                model.name(),
                System.currentTimeMillis());
        journal = Journal.create(jp, header);
      } else {
        if (!header.task().equals(task.name()) || !header.model().equals(model.name())) {
          throw new IllegalStateException(
              "EvalRunner.run: journal "
                  + jp
                  + " belongs to task "
                  + header.task()
                  + " with model "
                  + header.model()
                  + ", not task "
                  + task.name()
                  + " with model "
                  + model.name()
                  + "; delete it or use another log path");
        }
        journal = Journal.append(jp);
      }
    } else {
      header =
          new JournalHeader(
              UUID.randomUUID().toString(), task.name(), model.name(), System.currentTimeMillis());
    }

    List<Key> pending = new ArrayList<>();
    for (Sample s : samples) {
      for (int e = 1; e <= task.epochs(); e++) {
        EvalSample prev = done.get(new Key(s.id(), e));
        if (prev == null || prev.error() != null) {
          pending.add(new Key(s.id(), e));
        }
      }
    }
    Map<String, Sample> byId = new HashMap<>();
    for (Sample s : samples) {
      byId.put(s.id(), s);
    }
    int total = samples.size() * task.epochs();
    boolean showProgress = progress != null ? progress : System.console() != null;
    Generate generate = generateFor(model);
    AtomicBoolean aborted = new AtomicBoolean();
    Throwable failure = null;
    ExecutorService pool = null;
    try (ProgressBar bar =
        showProgress
            ? new ProgressBarBuilder().setTaskName(task.name()).setInitialMax(total).build()
            : null) {
      if (bar != null) {
        bar.stepTo(total - pending.size());
      }
      if (!pending.isEmpty()) {
        pool =
            Executors.newFixedThreadPool(
                Math.min(maxConnections, pending.size()), new Threads(task.name()));
        ExecutorCompletionService<EvalSample> ecs = new ExecutorCompletionService<>(pool);
        Journal j = journal;
        for (Key k : pending) {
          ecs.submit(
              () -> {
                EvalSample r = runOne(task, byId.get(k.id()), k.epoch(), generate);
                if (aborted.get()) {
                  return null;
                }
                if (j != null) {
                  r = j.append(r);
                }
                synchronized (done) {
                  done.put(k, r);
                }
                if (bar != null) {
                  bar.step();
                }
                return r;
              });
        }
        for (int i = 0; i < pending.size(); i++) {
          try {
            ecs.take().get();
          } catch (ExecutionException e) {
            failure = e.getCause();
            break;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new CancellationException("EvalRunner.run: interrupted");
            break;
          }
        }
      }
    } finally {
      if (failure != null) {
        aborted.set(true);
      }
      if (pool != null) {
        pool.shutdownNow();
        try {
          pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (journal != null) {
        journal.close();
      }
    }
    EvalLog log;
    synchronized (done) {
      log = buildLog(task, samples, spec, header, done, failure != null);
    }
    // Serialised once: the returned log is the one read back from those bytes, so it equals what
    // EvalLogs.read gives (numbers and nulls as JSON gives them).
    try {
      byte[] json = MAPPER.writeValueAsBytes(log);
      log = MAPPER.readValue(json, EvalLog.class);
      if (logPath != null) {
        EvalLogs.writeAtomically(logPath, json);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("EvalRunner: cannot write the log " + logPath, e);
    }
    if (failure instanceof Error err) {
      throw err;
    }
    if (failure instanceof RuntimeException re) {
      throw re;
    }
    if (failure != null) {
      throw new IllegalStateException("EvalRunner.run: run failed", failure);
    }
    return log;
  }

  private EvalSample runOne(Task task, Sample sample, int epoch, Generate generate) {
    long started = System.currentTimeMillis();
    long t0 = System.nanoTime();
    TaskState state = new TaskState(sample, epoch, task.config());
    Map<String, Score> scores = new LinkedHashMap<>();
    String error = null;
    try {
      for (Solver solver : task.solvers()) {
        state = solver.solve(state, generate);
        if (state.completed()) {
          break;
        }
      }
      for (Map.Entry<String, Scorer> e : task.scorers().entrySet()) {
        scores.put(e.getKey(), e.getValue().score(state));
      }
    } catch (Exception e) {
      error = e.getClass().getName() + ": " + e.getMessage();
      scores.clear();
    }
    return new EvalSample(
        sample.id(),
        epoch,
        LogMessage.of(sample.input()),
        LogMessage.of(state.messages()),
        state.completion(),
        sample.targets(),
        sample.metadata(),
        scores,
        state.usage(),
        error,
        started,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private EvalSpec spec(Task task, int size) {
    List<String> solvers = new ArrayList<>();
    for (Solver s : task.solvers()) {
      solvers.add(Task.describe(s));
    }
    return new EvalSpec(
        task.name(),
        size,
        solvers,
        new ArrayList<>(task.scorers().keySet()),
        task.epochs(),
        task.reducer(),
        task.config(),
        task.limit(),
        task.metadata());
  }

  private EvalLog buildLog(
      Task task,
      List<Sample> samples,
      EvalSpec spec,
      JournalHeader header,
      Map<Key, EvalSample> done,
      boolean cancelled) {
    List<EvalSample> records = new ArrayList<>();
    List<ReducedSample> reductions = new ArrayList<>();
    Map<String, List<Score>> reducedByScorer = new LinkedHashMap<>();
    Map<String, List<Sample>> scoredSamples = new LinkedHashMap<>();
    for (String name : task.scorers().keySet()) {
      reducedByScorer.put(name, new ArrayList<>());
      scoredSamples.put(name, new ArrayList<>());
    }
    int errors = 0;
    boolean complete = true;
    TokenUsage usage = TokenUsage.ZERO;
    for (Sample s : samples) {
      Map<String, List<Score>> perScorer = new LinkedHashMap<>();
      for (int e = 1; e <= task.epochs(); e++) {
        EvalSample r = done.get(new Key(s.id(), e));
        if (r == null) {
          complete = false;
          continue;
        }
        records.add(r);
        usage = usage.plus(r.usage());
        if (r.error() != null) {
          errors++;
          continue;
        }
        for (Map.Entry<String, Score> sc : r.scores().entrySet()) {
          perScorer.computeIfAbsent(sc.getKey(), x -> new ArrayList<>()).add(sc.getValue());
        }
      }
      if (!perScorer.isEmpty()) {
        Map<String, Score> reduced = new LinkedHashMap<>();
        for (Map.Entry<String, List<Score>> sc : perScorer.entrySet()) {
          Score r = task.reducer().reduce(sc.getValue());
          reduced.put(sc.getKey(), r);
          reducedByScorer.computeIfAbsent(sc.getKey(), x -> new ArrayList<>()).add(r);
          scoredSamples.computeIfAbsent(sc.getKey(), x -> new ArrayList<>()).add(s);
        }
        reductions.add(new ReducedSample(s.id(), reduced));
      }
    }
    Map<String, ScorerMetrics> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, List<Score>> e : reducedByScorer.entrySet()) {
      List<Score> scores = e.getValue();
      MetricSet overall = MetricSet.of(Metrics.values(scores), bootstrapResamples, bootstrapSeed);
      Map<String, MetricSet> groups = null;
      if (groupBy != null) {
        Map<String, List<Score>> grouped = new TreeMap<>();
        List<Sample> ss = scoredSamples.get(e.getKey());
        for (int i = 0; i < scores.size(); i++) {
          Object g = ss.get(i).metadata().get(groupBy);
          grouped
              .computeIfAbsent(g == null ? "(none)" : String.valueOf(g), x -> new ArrayList<>())
              .add(scores.get(i));
        }
        groups = new LinkedHashMap<>();
        for (Map.Entry<String, List<Score>> g : grouped.entrySet()) {
          groups.put(
              g.getKey(),
              MetricSet.of(Metrics.values(g.getValue()), bootstrapResamples, bootstrapSeed));
        }
      }
      metrics.put(e.getKey(), new ScorerMetrics(overall, groupBy, groups));
    }
    EvalLog.Status status =
        cancelled || !complete
            ? EvalLog.Status.CANCELLED
            : errors > 0 ? EvalLog.Status.ERROR : EvalLog.Status.SUCCESS;
    return new EvalLog(
        EvalLog.VERSION,
        header.runId(),
        status,
        spec,
        model.name(),
        records,
        reductions,
        metrics,
        errors,
        usage,
        header.startedAtMillis(),
        System.currentTimeMillis());
  }

  /**
   * Reads a journal into {@code done}; returns its header, or null when there is no usable journal
   * (none, empty, or a header cut short). Truncates the file after its last complete line so that
   * appending continues cleanly.
   */
  private static JournalHeader readJournal(Path jp, Map<Key, EvalSample> done) {
    if (!Files.exists(jp)) {
      return null;
    }
    try {
      byte[] bytes = Files.readAllBytes(jp);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end < bytes.length) {
        try (FileChannel ch = FileChannel.open(jp, StandardOpenOption.WRITE)) {
          ch.truncate(end);
        }
      }
      String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
      String[] lines = text.split("\n");
      if (end == 0 || lines.length == 0 || lines[0].isBlank()) {
        Files.delete(jp);
        return null;
      }
      JournalHeader header = MAPPER.readValue(lines[0], JournalHeader.class);
      for (int i = 1; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        EvalSample r = MAPPER.readValue(lines[i], EvalSample.class);
        done.put(new Key(r.id(), r.epoch()), r);
      }
      return header;
    } catch (IOException e) {
      throw new UncheckedIOException("EvalRunner: cannot read journal " + jp, e);
    }
  }

  /** The append-only journal; appends are serialised and flushed per line. */
  private static final class Journal {
    private final Path path;
    private final BufferedWriter out;

    private Journal(Path path, BufferedWriter out) {
      this.path = path;
      this.out = out;
    }

    static Journal create(Path p, JournalHeader h) {
      try {
        Path abs = p.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Journal j = open(abs, StandardOpenOption.TRUNCATE_EXISTING);
        j.writeLine(LINE_WRITER.writeValueAsString(h));
        return j;
      } catch (IOException e) {
        throw new UncheckedIOException("EvalRunner: cannot create journal " + p, e);
      }
    }

    static Journal append(Path p) {
      try {
        return open(p, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("EvalRunner: cannot open journal " + p, e);
      }
    }

    private static Journal open(Path p, StandardOpenOption mode) throws IOException {
      return new Journal(
          p,
          new BufferedWriter(
              new OutputStreamWriter(
                  Files.newOutputStream(
                      p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode),
                  StandardCharsets.UTF_8)));
    }

    /** Appends {@code r} and returns it as read back from its line. */
    EvalSample append(EvalSample r) {
      try {
        String line = LINE_WRITER.writeValueAsString(r);
        synchronized (this) {
          writeLine(line);
        }
        return MAPPER.readValue(line, EvalSample.class);
      } catch (IOException e) {
        throw new UncheckedIOException("EvalRunner: cannot append to journal " + path, e);
      }
    }

    private void writeLine(String line) throws IOException {
      out.write(line);
      out.write('\n');
      out.flush();
    }

    synchronized void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("EvalRunner: cannot close journal " + path, e);
      }
    }
  }

  /** Daemon worker threads named after the task, so a stuck model call never blocks JVM exit. */
  private static final class Threads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger n = new AtomicInteger();

    Threads(String task) {
      prefix = "eval-" + task + "-";
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }

  /** Builds an {@link EvalRunner}. */
  public static final class Builder {
    private final ChatModel model;
    private Path logPath;
    private int maxConnections = 10;
    private Boolean progress;
    private int bootstrapResamples = 1000;
    private long bootstrapSeed = 0;
    private String groupBy;

    private Builder(ChatModel model) {
      this.model = model;
    }

    /** Where the JSON log goes (and its journal next to it); null (default) keeps it in memory. */
    public Builder logPath(Path p) {
      logPath = p;
      return this;
    }

    /**
     * Pairs run at once (default 10).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("EvalRunner.maxConnections: must be >= 1, got " + n);
      }
      maxConnections = n;
      return this;
    }

    /** Whether to show a progress bar; null (default) shows one only on a terminal. */
    public Builder progress(Boolean show) {
      progress = show;
      return this;
    }

    /**
     * Bootstrap resamples for the bootstrap standard error (default 1000) and their seed (default
     * 0).
     *
     * @throws IllegalArgumentException if {@code resamples < 1}
     */
    public Builder bootstrap(int resamples, long seed) {
      if (resamples < 1) {
        throw new IllegalArgumentException(
            "EvalRunner.bootstrap: resamples must be >= 1, got " + resamples);
      }
      bootstrapResamples = resamples;
      bootstrapSeed = seed;
      return this;
    }

    /** Also computes metrics per value of this sample metadata field (e.g. "category"). */
    public Builder groupBy(String field) {
      groupBy = field;
      return this;
    }

    /** The runner. */
    public EvalRunner build() {
      return new EvalRunner(this);
    }
  }
}
