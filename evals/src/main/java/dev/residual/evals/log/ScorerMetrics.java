package dev.residual.evals.log;

import dev.residual.evals.metrics.MetricSet;
import java.util.Map;

/**
 * One scorer's metrics over the reduced sample scores.
 *
 * @param overall over every scored sample
 * @param groupBy the metadata field grouped by, or null
 * @param groups metrics per value of {@code groupBy} (sorted by value; missing values group as
 *     "(none)")
 */
public record ScorerMetrics(MetricSet overall, String groupBy, Map<String, MetricSet> groups) {}
