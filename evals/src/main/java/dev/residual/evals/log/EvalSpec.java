package dev.residual.evals.log;

import dev.residual.evals.EpochReducer;
import dev.residual.evals.model.GenerateConfig;
import java.util.List;
import java.util.Map;

/**
 * What was run: the task as the log describes it.
 *
 * @param task the task name
 * @param datasetSize samples run (after the limit)
 * @param solvers the solver chain, described ({@link dev.residual.evals.Task#describe})
 * @param scorers scorer names, in order
 * @param epochs epochs
 * @param reducer the epoch reducer
 * @param config the generation config
 * @param limit the sample limit, or null
 * @param metadata the task's metadata
 */
public record EvalSpec(
    String task,
    int datasetSize,
    List<String> solvers,
    List<String> scorers,
    int epochs,
    EpochReducer reducer,
    GenerateConfig config,
    Integer limit,
    Map<String, Object> metadata) {}
