package dev.residual.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.optim.ParamGroup;
import dev.residual.optim.SGD;
import dev.residual.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  static Tensor param() {
    return Tensor.of(new double[] {1}).requiresGrad(true);
  }

  @Test
  void warmupCosineMatchesNanoGptAtKeySteps() {
    WarmupCosine s = new WarmupCosine(6e-4, 10, 100, 6e-5);
    assertEquals(6e-4 / 11, s.lr(0), 1e-18);
    assertEquals(6e-4 * 10 / 11, s.lr(9), 1e-18);
    assertEquals(6e-4, s.lr(10), 1e-18);
    assertEquals(6e-5 + 0.5 * 5.4e-4, s.lr(55), 1e-18);
    assertEquals(6e-5 + 0.5 * (1 + Math.cos(Math.PI * 0.2)) * 5.4e-4, s.lr(28), 1e-18);
    assertEquals(6e-5, s.lr(100), 1e-18);
    assertEquals(6e-5, s.lr(101), 0.0);
    assertEquals(6e-5, s.lr(1_000_000), 0.0);
  }

  @Test
  void warmupLinearDecaysLinearly() {
    WarmupLinear s = new WarmupLinear(1.0, 4, 14, 0.1);
    assertEquals(0.2, s.lr(0), 1e-15);
    assertEquals(0.8, s.lr(3), 1e-15);
    assertEquals(1.0, s.lr(4), 1e-15);
    assertEquals(0.1 + 0.5 * 0.9, s.lr(9), 1e-15);
    assertEquals(0.1, s.lr(14), 1e-15);
    assertEquals(0.1, s.lr(15), 0.0);
  }

  @Test
  void absoluteScheduleSetsEveryGroupAndStepsExplicitly() {
    SGD opt =
        SGD.builder()
            .lr(1.0)
            .buildGroups(
                List.of(
                    new ParamGroup(List.of(param())),
                    new ParamGroup(List.of(param()), Map.of("lr", 5.0))));
    Scheduler sched = new Scheduler(opt, new WarmupCosine(6e-4, 10, 100, 6e-5));
    assertEquals(List.of(6e-4 / 11, 6e-4 / 11), sched.lastLrs());
    for (int i = 0; i < 10; i++) {
      sched.step();
    }
    assertEquals(10, sched.currentStep());
    assertEquals(6e-4, opt.paramGroups().get(1).lr(), 1e-18);
  }

  @Test
  void stepLrScalesEachGroupsInitialLr() {
    SGD opt =
        SGD.builder()
            .lr(0.1)
            .buildGroups(
                List.of(
                    new ParamGroup(List.of(param())),
                    new ParamGroup(List.of(param()), Map.of("lr", 1.0))));
    Scheduler sched = new Scheduler(opt, new StepLR(3, 0.5));
    double[] expected0 = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025};
    for (int i = 0; i < expected0.length; i++) {
      assertEquals(expected0[i], opt.paramGroups().get(0).lr(), 1e-15, "step " + i);
      assertEquals(expected0[i] * 10, opt.paramGroups().get(1).lr(), 1e-14, "step " + i);
      sched.step();
    }
  }

  @Test
  void lambdaLrMultipliesByTheFunction() {
    SGD opt = new SGD(List.of(param()), 0.2);
    Scheduler sched = new Scheduler(opt, new LambdaLR(s -> 1.0 / (s + 1)));
    assertEquals(0.2, opt.paramGroups().get(0).lr(), 1e-15);
    sched.step();
    assertEquals(0.1, opt.paramGroups().get(0).lr(), 1e-15);
    sched.step();
    assertEquals(0.2 / 3, opt.paramGroups().get(0).lr(), 1e-15);
  }

  @Test
  void stateDictRoundTripResumesAtTheSameStep() {
    SGD opt = new SGD(List.of(param()), 0.3);
    Scheduler sched = new Scheduler(opt, new StepLR(2, 0.1));
    for (int i = 0; i < 5; i++) {
      sched.step();
    }
    Map<String, Object> state = new LinkedHashMap<>(sched.stateDict());
    assertEquals("StepLR", state.get("schedule"));
    assertEquals(5, state.get("step"));
    assertEquals(0.3, state.get("initial_lr.0"));
    assertEquals(2, state.get("config.step_size"));
    // as a JSON reader would give them back
    state.put("step", 5L);
    state.put("num_groups", 1L);
    SGD opt2 = new SGD(List.of(param()), 0.9);
    Scheduler sched2 = new Scheduler(opt2, new StepLR(2, 0.1));
    sched2.loadStateDict(state);
    assertEquals(5, sched2.currentStep());
    assertEquals(opt.paramGroups().get(0).lr(), opt2.paramGroups().get(0).lr(), 0.0);
    sched.step();
    sched2.step();
    assertEquals(opt.paramGroups().get(0).lr(), opt2.paramGroups().get(0).lr(), 0.0);
    assertEquals(0.3 * 0.001, opt2.paramGroups().get(0).lr(), 1e-15);
  }

  static void assertIae(String needle, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(needle), e.getMessage());
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertIae("maxLr", () -> new WarmupCosine(-1, 10, 100, 0));
    assertIae("minLr", () -> new WarmupCosine(1, 10, 100, -1));
    assertIae("warmupSteps", () -> new WarmupLinear(1, -1, 100, 0));
    assertIae("decaySteps", () -> new WarmupCosine(1, 10, 10, 0));
    assertIae("stepSize", () -> new StepLR(0, 0.5));
    assertIae("gamma", () -> new StepLR(1, -0.5));
    assertIae("fn", () -> new LambdaLR(null));
    assertIae("step", () -> new WarmupCosine(1, 10, 100, 0).lr(-1));
    SGD opt = new SGD(List.of(param()), 0.1);
    assertIae("learning rate", () -> new Scheduler(opt, new LambdaLR(s -> -1.0)));
    Scheduler sched = new Scheduler(opt, new StepLR(1, 0.5));
    assertIae("'WarmupCosine'", () -> sched.loadStateDict(Map.of("schedule", "WarmupCosine")));
    assertIae("num_groups", () -> sched.loadStateDict(Map.of("schedule", "StepLR", "step", 1)));
    assertIae(
        "2 parameter groups",
        () -> sched.loadStateDict(Map.of("schedule", "StepLR", "num_groups", 2, "step", 1)));
  }
}
