package dev.residual.evals.log;

import dev.residual.evals.model.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The log of one run: what was run, against which model, every (sample, epoch) record, reduced
 * scores, metrics, token usage and timings. Serialised as JSON by {@link EvalLogs}.
 *
 * @param version the log format version
 * @param runId the run id (the journal's; equal on a resumed run)
 * @param status how the run ended
 * @param spec the task as run
 * @param model the model name
 * @param samples (sample, epoch) records in dataset order, then epoch order
 * @param reductions per-sample scores reduced across epochs, in dataset order
 * @param metrics metrics by scorer name
 * @param errors how many (sample, epoch) pairs failed
 * @param usage total tokens
 * @param startedAtMillis when the run (first attempt) started, epoch milliseconds
 * @param completedAtMillis when this log was written
 */
public record EvalLog(
    int version,
    String runId,
    Status status,
    EvalSpec spec,
    String model,
    List<EvalSample> samples,
    List<ReducedSample> reductions,
    Map<String, ScorerMetrics> metrics,
    int errors,
    TokenUsage usage,
    long startedAtMillis,
    long completedAtMillis) {

  /** The current format version. */
  public static final int VERSION = 1;

  /** How a run ended. */
  public enum Status {
    /** Every (sample, epoch) finished without error. */
    SUCCESS,
    /** Every pair ran, but some failed (see {@link EvalSample#error()}). */
    ERROR,
    /** The run was stopped before every pair ran; rerun with the same log path to resume. */
    CANCELLED
  }

  /** The same log with every timing zero, for comparing an interrupted-and-resumed run. */
  public EvalLog withoutTimings() {
    List<EvalSample> s = new ArrayList<>(samples.size());
    for (EvalSample e : samples) {
      s.add(e.withoutTimings());
    }
    return new EvalLog(
        version, runId, status, spec, model, s, reductions, metrics, errors, usage, 0, 0);
  }
}
