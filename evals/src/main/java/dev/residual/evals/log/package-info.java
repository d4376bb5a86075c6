/**
 * Eval logs: the Jackson-serialisable record of a run ({@link dev.residual.evals.log.EvalLog} and
 * its parts), reading and atomic writing ({@link dev.residual.evals.log.EvalLogs}), the HTML report
 * and CSV export. Running a task lives in {@link dev.residual.evals.EvalRunner}, not here.
 */
package dev.residual.evals.log;
