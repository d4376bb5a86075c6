package dev.residual.evals.log;

/**
 * The first line of a run journal: which run it belongs to.
 *
 * @param runId the run id, kept by a resumed run
 * @param task the task name
 * @param model the model name
 * @param startedAtMillis when the first attempt started
 */
public record JournalHeader(String runId, String task, String model, long startedAtMillis) {}
