/**
 * Learning-rate schedules, stepped explicitly: {@link dev.residual.optim.schedule.LrSchedule} (a
 * rate as a function of the step), the schedules {@link dev.residual.optim.schedule.WarmupCosine}
 * (nanoGPT's), {@link dev.residual.optim.schedule.WarmupLinear}, {@link
 * dev.residual.optim.schedule.StepLR} and {@link dev.residual.optim.schedule.LambdaLR}, and the
 * {@link dev.residual.optim.schedule.Scheduler} that writes a schedule's rate into an optimizer's
 * parameter groups and saves its position as a JSON-able map.
 *
 * <p>The optimizers themselves live in {@code dev.residual.optim}; writing schedule state to disk
 * is the checkpoint code's job ({@code dev.residual.io}).
 */
package dev.residual.optim.schedule;
