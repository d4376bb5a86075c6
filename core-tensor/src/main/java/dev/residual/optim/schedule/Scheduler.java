package dev.residual.optim.schedule;

import dev.residual.optim.Optimizer;
import dev.residual.optim.ParamGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives an optimizer's learning rates from an {@link LrSchedule}, stepped explicitly.
 *
 * <p>On construction the groups' learning rates are recorded (PyTorch's {@code initial_lr}) and the
 * rate of step 0 is applied; every {@link #step()} advances the counter and applies the new rate.
 * Call it after {@code optimizer.step()}, as in PyTorch:
 *
 * <pre>{@code
 * Scheduler sched = new Scheduler(opt, new WarmupCosine(6e-4, 2000, 600000, 6e-5));
 * for (...) { ...; opt.step(); sched.step(); }
 * }</pre>
 */
public final class Scheduler {
  private final Optimizer optimizer;
  private final LrSchedule schedule;
  private final double[] initialLrs;
  private int step;

  /**
   * Attaches {@code schedule} to {@code optimizer} and applies the rate of step 0.
   *
   * @throws IllegalArgumentException if either is null, or the schedule gives an invalid rate
   */
  public Scheduler(Optimizer optimizer, LrSchedule schedule) {
    if (optimizer == null || schedule == null) {
      throw new IllegalArgumentException("Scheduler: optimizer and schedule must not be null");
    }
    this.optimizer = optimizer;
    this.schedule = schedule;
    List<ParamGroup> groups = optimizer.paramGroups();
    this.initialLrs = new double[groups.size()];
    for (int i = 0; i < initialLrs.length; i++) {
      initialLrs[i] = groups.get(i).lr();
    }
    apply();
  }

  /** Advances to the next step and applies its learning rate. */
  public void step() {
    step++;
    apply();
  }

  /** The current step (0 before the first {@link #step()}). */
  public int currentStep() {
    return step;
  }

  /** The learning rates currently set, one per group. */
  public List<Double> lastLrs() {
    List<Double> out = new ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) {
      out.add(g.lr());
    }
    return Collections.unmodifiableList(out);
  }

  /** The schedule's learning rate for {@code group} at {@code step}. */
  private double lrFor(int group, int atStep) {
    double v = schedule.lr(atStep);
    return schedule.scalesInitialLr() ? initialLrs[group] * v : v;
  }

  private void apply() {
    List<ParamGroup> groups = optimizer.paramGroups();
    for (int i = 0; i < groups.size(); i++) {
      double lr = lrFor(i, step);
      if (!(lr >= 0)) {
        throw new IllegalArgumentException(
            "Scheduler: schedule gave learning rate "
                + lr
                + " at step "
                + step
                + " for group "
                + i);
      }
      groups.get(i).setLr(lr);
    }
  }

  /**
   * The scheduler's state as JSON scalars: {@code "schedule"} (the schedule's class name), {@code
   * "step"}, {@code "num_groups"}, {@code "initial_lr.<g>"} and the schedule's {@link
   * LrSchedule#config()} under {@code "config.<name>"}.
   */
  public Map<String, Object> stateDict() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schedule", schedule.getClass().getSimpleName());
    m.put("step", step);
    m.put("num_groups", initialLrs.length);
    for (int i = 0; i < initialLrs.length; i++) {
      m.put("initial_lr." + i, initialLrs[i]);
    }
    for (Map.Entry<String, Object> e : schedule.config().entrySet()) {
      m.put("config." + e.getKey(), e.getValue());
    }
    return m;
  }

  /**
   * Restores the step and initial learning rates from {@link #stateDict()} (numbers of any {@link
   * Number} type) and applies the learning rate of that step. The schedule itself comes from the
   * constructor; its saved config is informative only.
   *
   * @throws IllegalArgumentException if the state is for another schedule class or another number
   *     of groups, or an entry is missing or not a number
   */
  public void loadStateDict(Map<String, Object> state) {
    String name = schedule.getClass().getSimpleName();
    if (!name.equals(state.get("schedule"))) {
      throw new IllegalArgumentException(
          "Scheduler.loadStateDict: state is for schedule '"
              + state.get("schedule")
              + "', not '"
              + name
              + "'");
    }
    int groups = number(state, "num_groups").intValue();
    if (groups != initialLrs.length) {
      throw new IllegalArgumentException(
          "Scheduler.loadStateDict: state has "
              + groups
              + " parameter groups, optimizer has "
              + initialLrs.length);
    }
    int newStep = number(state, "step").intValue();
    if (newStep < 0) {
      throw new IllegalArgumentException("Scheduler.loadStateDict: negative step " + newStep);
    }
    double[] lrs = new double[groups];
    for (int i = 0; i < groups; i++) {
      lrs[i] = number(state, "initial_lr." + i).doubleValue();
    }
    System.arraycopy(lrs, 0, initialLrs, 0, groups);
    step = newStep;
    apply();
  }

  private static Number number(Map<String, Object> state, String key) {
    if (!(state.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(
          "Scheduler.loadStateDict: entry '"
              + key
              + "' missing or not a number: "
              + state.get(key));
    }
    return n;
  }
}
