package dev.residual.evals;

import dev.residual.evals.model.GenerateConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An evaluation (inspect's {@code Task}): a dataset, a chain of solvers run on each sample, named
 * scorers, a number of epochs with a reducer, a generation config and an optional sample limit.
 * Build one with {@link #builder(String)}.
 *
 * @param name the task name (appears in logs)
 * @param dataset the samples, in order; ids must be unique
 * @param solvers the solver chain, run in order until one calls {@link TaskState#complete()}
 * @param scorers scorers by name, in order
 * @param epochs how many times each sample is run (at least 1)
 * @param reducer how a sample's scores across epochs become one
 * @param config generation settings every sample starts with
 * @param limit the number of samples used (the first {@code limit}), or null for all
 * @param metadata anything else about the task (copied to the log)
 */
public record Task(
    String name,
    List<Sample> dataset,
    List<Solver> solvers,
    Map<String, Scorer> scorers,
    int epochs,
    EpochReducer reducer,
    GenerateConfig config,
    Integer limit,
    Map<String, Object> metadata) {

  /** The solver chain used when none is given: one model call. */
  public static final Solver GENERATE =
      new Solver() {
        @Override
        public TaskState solve(TaskState state, Generate generate) {
          return generate.generate(state);
        }

        @Override
        public String toString() {
          return "generate";
        }
      };

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on a null/blank name, no scorers, {@code epochs < 1}, a
   *     negative limit or duplicate sample ids
   */
  public Task {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Task: name must not be blank");
    }
    Objects.requireNonNull(dataset, "Task " + name + ": dataset");
    dataset = List.copyOf(dataset);
    solvers = solvers == null || solvers.isEmpty() ? List.of(GENERATE) : List.copyOf(solvers);
    if (scorers == null || scorers.isEmpty()) {
      throw new IllegalArgumentException("Task " + name + ": needs at least one scorer");
    }
    scorers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scorers));
    if (epochs < 1) {
      throw new IllegalArgumentException("Task " + name + ": epochs must be >= 1, got " + epochs);
    }
    reducer = reducer == null ? EpochReducer.MEAN : reducer;
    config = config == null ? GenerateConfig.DEFAULT : config;
    if (limit != null && limit < 0) {
      throw new IllegalArgumentException("Task " + name + ": limit must be >= 0, got " + limit);
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Sample s : dataset) {
      if (!ids.add(s.id())) {
        throw new IllegalArgumentException(
            "Task " + name + ": duplicate sample id " + s.id() + " in the dataset");
      }
    }
  }

  /** The samples this task runs: the dataset cut to {@link #limit()}. */
  public List<Sample> samples() {
    return limit == null || limit >= dataset.size() ? dataset : dataset.subList(0, limit);
  }

  /** A builder for a task called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * A readable name for a solver or scorer: its {@code toString()} when the class overrides it,
   * else its simple class name ({@code "lambda"} for lambdas, whose class names change between
   * runs).
   */
  public static String describe(Object o) {
    Class<?> c = o.getClass();
    try {
      if (c.getMethod("toString").getDeclaringClass() != Object.class) {
        return o.toString();
      }
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
    if (c.isSynthetic() || c.getName().contains("$$Lambda")) {
      return "lambda";
    }
    String s = c.getSimpleName();
    return s.isEmpty() ? c.getName() : s;
  }

  /** Builds a {@link Task}. */
  public static final class Builder {
    private final String name;
    private final List<Sample> dataset = new ArrayList<>();
    private final List<Solver> solvers = new ArrayList<>();
    private final Map<String, Scorer> scorers = new LinkedHashMap<>();
    private int epochs = 1;
    private EpochReducer reducer = EpochReducer.MEAN;
    private GenerateConfig config = GenerateConfig.DEFAULT;
    private Integer limit;
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** Adds samples to the dataset. */
    public Builder dataset(List<Sample> samples) {
      dataset.addAll(samples);
      return this;
    }

    /** Adds one sample. */
    public Builder sample(Sample s) {
      dataset.add(s);
      return this;
    }

    /** Appends solvers to the chain (the default chain, one {@link #GENERATE}, is then dropped). */
    public Builder solver(Solver... s) {
      solvers.addAll(List.of(s));
      return this;
    }

    /** Adds a scorer under {@code name}. */
    public Builder scorer(String scorerName, Scorer s) {
      scorers.put(scorerName, s);
      return this;
    }

    /** Runs each sample {@code n} times. */
    public Builder epochs(int n) {
      epochs = n;
      return this;
    }

    /** Runs each sample {@code n} times, reducing scores with {@code r}. */
    public Builder epochs(int n, EpochReducer r) {
      epochs = n;
      reducer = r;
      return this;
    }

    /** Sets the generation config. */
    public Builder config(GenerateConfig c) {
      config = c;
      return this;
    }

    /** Uses only the first {@code n} samples. */
    public Builder limit(Integer n) {
      limit = n;
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, Object value) {
      metadata.put(key, value);
      return this;
    }

    /**
     * The task.
     *
     * @throws IllegalArgumentException as the {@link Task} constructor does
     */
    public Task build() {
      return new Task(name, dataset, solvers, scorers, epochs, reducer, config, limit, metadata);
    }
  }
}
