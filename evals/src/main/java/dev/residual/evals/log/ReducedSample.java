package dev.residual.evals.log;

import dev.residual.evals.Score;
import java.util.Map;

/**
 * A sample's scores after reducing across epochs (only samples with at least one successful epoch).
 *
 * @param id the sample id
 * @param scores the reduced score by scorer name
 */
public record ReducedSample(String id, Map<String, Score> scores) {}
