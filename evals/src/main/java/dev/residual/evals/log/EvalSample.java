package dev.residual.evals.log;

import dev.residual.evals.Score;
import dev.residual.evals.model.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * One (sample, epoch) of a run.
 *
 * @param id the sample id
 * @param epoch the epoch, from 1
 * @param input the input messages
 * @param messages the conversation when the solvers finished (the input when it failed early)
 * @param output the last model output's text ("" when none)
 * @param targets the sample's targets
 * @param metadata the sample's metadata
 * @param scores scores by scorer name (empty when the sample failed)
 * @param usage tokens used
 * @param error the exception ({@code Class: message}) when the sample failed, else null
 * @param startedAtMillis wall-clock start (epoch milliseconds)
 * @param durationMillis how long it took
 */
public record EvalSample(
    String id,
    int epoch,
    List<LogMessage> input,
    List<LogMessage> messages,
    String output,
    List<String> targets,
    Map<String, Object> metadata,
    Map<String, Score> scores,
    TokenUsage usage,
    String error,
    long startedAtMillis,
    long durationMillis) {

  /** The same record with both timings zero (for comparing runs). */
  public EvalSample withoutTimings() {
    return new EvalSample(
        id, epoch, input, messages, output, targets, metadata, scores, usage, error, 0, 0);
  }
}
