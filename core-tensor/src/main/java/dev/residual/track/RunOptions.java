package dev.residual.track;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link Runs#start(RunOptions)} sets up a run: its identity, where the local run directory
 * goes, which optional sinks are on, and the environment the W&B switch is read from.
 *
 * <p>Build one with {@link #builder()}; every field has a default.
 *
 * @param project project name (default: {@code WANDB_PROJECT}, else {@code "uncategorized"})
 * @param name human-readable run name, or null for one made from the start time
 * @param tags tags
 * @param entity W&B entity (user or team), or null for {@code WANDB_ENTITY} / the key's default
 * @param rootDir root of the local run directories (default {@code runs}); a run writes to {@code
 *     <rootDir>/<project>/<id>/}
 * @param console whether the console sink (progress bar or log lines) is on (default true)
 * @param totalSteps expected number of steps, for the progress bar's ETA; 0 if unknown
 * @param wandbMode {@code online}, {@code offline} or {@code disabled}; null reads {@code
 *     WANDB_MODE} (default {@code online})
 * @param config initial configuration
 * @param extraSinks further sinks to attach (started like the built-in ones)
 * @param env the environment to read {@code WANDB_*} and {@code CI} from (default {@code
 *     System.getenv()}; tests pass their own)
 * @param queueCapacity bound of the run's record queue (default 100 000 records)
 * @param finishTimeout how long {@link Run#finish(int)} waits for the queue to drain (default 60 s)
 * @param reportInterval how often the local sink rewrites {@code index.html} while running (default
 *     5 s); it is always rewritten at the end
 */
public record RunOptions(
    String project,
    String name,
    List<String> tags,
    String entity,
    Path rootDir,
    boolean console,
    long totalSteps,
    String wandbMode,
    Map<String, Object> config,
    List<Sink> extraSinks,
    Map<String, String> env,
    int queueCapacity,
    Duration finishTimeout,
    Duration reportInterval) {

  /**
   * Checks and copies the options.
   *
   * @throws IllegalArgumentException if {@code totalSteps} is negative, {@code queueCapacity} is
   *     below 1, a duration is negative, or {@code wandbMode} is not one of the three modes
   */
  public RunOptions {
    tags = tags == null ? List.of() : List.copyOf(tags);
    rootDir = rootDir == null ? Path.of("runs") : rootDir;
    config = config == null ? Map.of() : new LinkedHashMap<>(config);
    extraSinks = extraSinks == null ? List.of() : List.copyOf(extraSinks);
    env = env == null ? System.getenv() : Map.copyOf(env);
    finishTimeout = finishTimeout == null ? Duration.ofSeconds(60) : finishTimeout;
    reportInterval = reportInterval == null ? Duration.ofSeconds(5) : reportInterval;
    if (totalSteps < 0) {
      throw new IllegalArgumentException("RunOptions: totalSteps must be >= 0, got " + totalSteps);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "RunOptions: queueCapacity must be >= 1, got " + queueCapacity);
    }
    if (finishTimeout.isNegative() || reportInterval.isNegative()) {
      throw new IllegalArgumentException(
          "RunOptions: durations must not be negative, got finishTimeout "
              + finishTimeout
              + " and reportInterval "
              + reportInterval);
    }
    if (wandbMode != null && !List.of("online", "offline", "disabled").contains(wandbMode)) {
      throw new IllegalArgumentException(
          "RunOptions: wandbMode must be online, offline or disabled, got " + wandbMode);
    }
  }

  /** A builder with every field at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The project: the option, else {@code WANDB_PROJECT}, else {@code "uncategorized"}. */
  public String resolvedProject() {
    if (project != null && !project.isBlank()) {
      return project;
    }
    String p = env.get("WANDB_PROJECT");
    return p != null && !p.isBlank() ? p : "uncategorized";
  }

  /** The W&B mode: the option, else {@code WANDB_MODE}, else {@code online}. */
  public String resolvedWandbMode() {
    if (wandbMode != null) {
      return wandbMode;
    }
    String m = env.get("WANDB_MODE");
    return m != null && !m.isBlank() ? m.trim().toLowerCase(java.util.Locale.ROOT) : "online";
  }

  /**
   * Whether the W&B sink should be attached: {@code WANDB_API_KEY} is set and the mode is neither
   * {@code disabled} nor {@code offline}.
   */
  public boolean wandbEnabled() {
    String key = env.get("WANDB_API_KEY");
    String mode = resolvedWandbMode();
    return key != null && !key.isBlank() && !mode.equals("disabled") && !mode.equals("offline");
  }

  /** Builds {@link RunOptions}; every setter returns {@code this}. */
  public static final class Builder {
    private String project;
    private String name;
    private List<String> tags = new ArrayList<>();
    private String entity;
    private Path rootDir = Path.of("runs");
    private boolean console = true;
    private long totalSteps;
    private String wandbMode;
    private Map<String, Object> config = new LinkedHashMap<>();
    private List<Sink> extraSinks = new ArrayList<>();
    private Map<String, String> env;
    private int queueCapacity = 100_000;
    private Duration finishTimeout = Duration.ofSeconds(60);
    private Duration reportInterval = Duration.ofSeconds(5);

    private Builder() {}

    /** Sets the project. */
    public Builder project(String project) {
      this.project = project;
      return this;
    }

    /** Sets the run name. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Sets the tags. */
    public Builder tags(String... tags) {
      this.tags = new ArrayList<>(List.of(tags));
      return this;
    }

    /** Sets the W&B entity. */
    public Builder entity(String entity) {
      this.entity = entity;
      return this;
    }

    /** Sets the root of the local run directories. */
    public Builder rootDir(Path rootDir) {
      this.rootDir = rootDir;
      return this;
    }

    /** Turns the console sink on or off. */
    public Builder console(boolean console) {
      this.console = console;
      return this;
    }

    /** Sets the expected number of steps (0 = unknown). */
    public Builder totalSteps(long totalSteps) {
      this.totalSteps = totalSteps;
      return this;
    }

    /** Sets the W&B mode ({@code online}, {@code offline}, {@code disabled}). */
    public Builder wandbMode(String wandbMode) {
      this.wandbMode = wandbMode;
      return this;
    }

    /** Adds configuration entries. */
    public Builder config(Map<String, Object> config) {
      this.config.putAll(config);
      return this;
    }

    /** Adds a sink. */
    public Builder sink(Sink sink) {
      this.extraSinks.add(sink);
      return this;
    }

    /** Sets the environment the {@code WANDB_*} variables are read from. */
    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    /** Sets the bound of the record queue. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** Sets how long {@link Run#finish(int)} waits for the queue to drain. */
    public Builder finishTimeout(Duration finishTimeout) {
      this.finishTimeout = finishTimeout;
      return this;
    }

    /** Sets how often {@code index.html} is rewritten while the run is going. */
    public Builder reportInterval(Duration reportInterval) {
      this.reportInterval = reportInterval;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException as {@link RunOptions#RunOptions}
     */
    public RunOptions build() {
      return new RunOptions(
          project,
          name,
          tags,
          entity,
          rootDir,
          console,
          totalSteps,
          wandbMode,
          config,
          extraSinks,
          env,
          queueCapacity,
          finishTimeout,
          reportInterval);
    }
  }
}
