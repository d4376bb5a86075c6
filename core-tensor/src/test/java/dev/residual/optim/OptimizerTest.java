package dev.residual.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OptimizerTest {
  static final double[][] GRADS = {
    OptimizerReferenceTest.G1,
    OptimizerReferenceTest.G2,
    OptimizerReferenceTest.G3,
    {0.3, -0.2, 0.05, 0.1, -0.4, 0.25},
    {-0.1, 0.2, 0.3, -0.05, 0.15, -0.35}
  };

  static Tensor param() {
    return Tensor.of(OptimizerReferenceTest.P.clone(), 2, 3).requiresGrad(true);
  }

  static final List<Function<List<Tensor>, Optimizer>> ALL =
      List.of(
          ps -> SGD.builder().lr(0.1).momentum(0.9).dampening(0.1).weightDecay(0.01).build(ps),
          ps -> SGD.builder().lr(0.1).momentum(0.9).nesterov(true).build(ps),
          ps -> Adam.builder().lr(0.01).weightDecay(0.1).amsgrad(true).build(ps),
          ps -> AdamW.builder().lr(0.01).betas(0.9, 0.95).build(ps),
          ps -> RMSprop.builder().lr(0.01).momentum(0.5).centered(true).weightDecay(0.1).build(ps));

  /** Simulates a JSON round trip: integers come back as Long, other numbers as Double. */
  static OptimizerState throughJson(OptimizerState s) {
    Map<String, Object> meta = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : s.meta().entrySet()) {
      Object v = e.getValue();
      if (v instanceof Integer i) {
        v = (long) i;
      } else if (v instanceof Long l) {
        v = l;
      } else if (v instanceof Number n) {
        v = Double.valueOf(Double.toString(n.doubleValue()));
      }
      meta.put(e.getKey(), v);
    }
    return new OptimizerState(s.tensors(), meta);
  }

  @Test
  void stateDictRoundTripContinuesTrainingIdentically() {
    for (int k = 0; k < ALL.size(); k++) {
      Tensor a = param();
      Optimizer optA = ALL.get(k).apply(List.of(a));
      for (int s = 0; s < 3; s++) {
        a.setGrad(Tensor.of(GRADS[s].clone(), 2, 3));
        optA.step();
      }
      OptimizerState saved = throughJson(optA.stateDict());
      Tensor b = Tensor.of(a.toDoubleArray(), 2, 3).requiresGrad(true);
      Optimizer optB = ALL.get(k).apply(List.of(b));
      optB.loadStateDict(saved);
      for (int s = 3; s < 5; s++) {
        a.setGrad(Tensor.of(GRADS[s].clone(), 2, 3));
        b.setGrad(Tensor.of(GRADS[s].clone(), 2, 3));
        optA.step();
        optB.step();
      }
      assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0, optA.name() + " #" + k);
      assertEquals(optA.stateDict().meta(), optB.stateDict().meta());
    }
  }

  @Test
  void stateDictNamesBuffersByParamIndexAndHoldsCopies() {
    Tensor a = param();
    Tensor b = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Adam opt =
        Adam.builder()
            .lr(0.01)
            .buildGroups(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b))));
    b.setGrad(Tensor.of(new double[] {0.5, -0.5}));
    opt.step();
    OptimizerState s = opt.stateDict();
    assertEquals(List.of("1.exp_avg", "1.exp_avg_sq"), List.copyOf(s.tensors().keySet()));
    assertEquals(1L, s.meta().get("state.1.step"));
    assertFalse(s.meta().containsKey("state.0.step"));
    assertEquals("Adam", s.meta().get("optimizer"));
    assertEquals(2, s.meta().get("num_groups"));
    assertEquals(0.9, s.meta().get("group.1.beta1"));
    assertEquals(false, s.meta().get("group.0.amsgrad"));
    double before = s.tensors().get("1.exp_avg").toDoubleArray()[0];
    opt.step();
    assertEquals(before, s.tensors().get("1.exp_avg").toDoubleArray()[0], 0.0);
  }

  @Test
  void loadStateDictRestoresGroupOptions() {
    Tensor a = param();
    SGD opt = SGD.builder().lr(0.5).build(List.of(a));
    OptimizerState s = opt.stateDict();
    SGD other = SGD.builder().lr(0.1).build(List.of(param()));
    other.loadStateDict(s);
    assertEquals(0.5, other.paramGroups().get(0).lr());
  }

  @Test
  void loadStateDictConvertsFloat32StateToFloat64Params() {
    Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Adam opt = new Adam(List.of(a), 0.1);
    a.setGrad(Tensor.of(new float[] {1, -1}));
    opt.step();
    Tensor b = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    Adam other = new Adam(List.of(b), 0.1);
    other.loadStateDict(opt.stateDict());
    Tensor m = other.stateOf(b).buffer("exp_avg");
    assertEquals(DType.FLOAT64, m.dtype());
    assertArrayEquals(new double[] {0.1, -0.1}, m.toDoubleArray(), 1e-7);
  }

  @Test
  void loadStateDictReportsEveryProblemAndLeavesOptimizerUnchanged() {
    Tensor a = param();
    Adam opt = new Adam(List.of(a), 0.01);
    a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
    opt.step();
    OptimizerState good = opt.stateDict();
    Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
    tensors.put("0.exp_avg", Tensor.zeros(DType.FLOAT64, 3, 2));
    tensors.put("7.exp_avg", Tensor.zeros(DType.FLOAT64, 2, 3));
    Map<String, Object> meta = new LinkedHashMap<>(good.meta());
    meta.remove("group.0.eps");
    meta.put("group.0.momentum", 0.9);
    Adam fresh = new Adam(List.of(param()), 0.02);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> fresh.loadStateDict(new OptimizerState(tensors, meta)));
    String msg = e.getMessage();
    assertTrue(msg.contains("group.0.eps"), msg);
    assertTrue(msg.contains("group.0.momentum"), msg);
    assertTrue(msg.contains("[3, 2]"), msg);
    assertTrue(msg.contains("7.exp_avg"), msg);
    assertEquals(0.02, fresh.paramGroups().get(0).lr());
  }

  @Test
  void loadStateDictRejectsOtherOptimizerAndGroupCount() {
    OptimizerState sgd = new SGD(List.of(param()), 0.1).stateDict();
    Adam adam = new Adam(List.of(param()), 0.1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> adam.loadStateDict(sgd));
    assertTrue(e.getMessage().contains("'SGD'"), e.getMessage());
    SGD two =
        SGD.builder()
            .lr(0.1)
            .buildGroups(
                List.of(new ParamGroup(List.of(param())), new ParamGroup(List.of(param()))));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new SGD(List.of(param()), 0.1).loadStateDict(two.stateDict()));
    assertTrue(e.getMessage().contains("2 parameter groups"), e.getMessage());
  }

  @Test
  void loadStateDictRejectsInvalidOptionValuesWithoutChangingTheOptimizer() {
    Map<String, Object> meta =
        new LinkedHashMap<>(new SGD(List.of(param()), 0.1).stateDict().meta());
    meta.put("group.0.lr", -1.0);
    SGD opt = new SGD(List.of(param()), 0.3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.loadStateDict(new OptimizerState(Map.of(), meta)));
    assertTrue(e.getMessage().contains("lr"), e.getMessage());
    assertEquals(0.3, opt.paramGroups().get(0).lr());
  }

  @Test
  void loadStateDictRejectsOptionsOfTheWrongType() {
    Map<String, Object> meta =
        new LinkedHashMap<>(new SGD(List.of(param()), 0.1).stateDict().meta());
    meta.put("group.0.momentum", "0.9");
    meta.put("group.0.nesterov", 1.0);
    SGD opt = new SGD(List.of(param()), 0.1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> opt.loadStateDict(new OptimizerState(Map.of(), meta)));
    assertTrue(e.getMessage().contains("group.0.momentum"), e.getMessage());
    assertTrue(e.getMessage().contains("group.0.nesterov"), e.getMessage());
  }

  @Test
  void paramGroupsUseTheirOwnLearningRates() {
    Tensor a = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {1, 1}).requiresGrad(true);
    SGD opt =
        SGD.builder()
            .lr(0.1)
            .buildGroups(
                List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b), Map.of("lr", 0.5))));
    a.setGrad(Tensor.of(new double[] {1, 2}));
    b.setGrad(Tensor.of(new double[] {1, 2}));
    opt.step();
    assertArrayEquals(new double[] {0.9, 0.8}, a.toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {0.5, 0.0}, b.toDoubleArray(), 1e-15);
    assertEquals(0.1, opt.paramGroups().get(0).lr());
    assertEquals(0.5, opt.paramGroups().get(1).lr());
  }

  @Test
  void perGroupWeightDecayOverridesTheDefault() {
    Tensor a = Tensor.of(new double[] {1}).requiresGrad(true);
    Tensor b = Tensor.of(new double[] {1}).requiresGrad(true);
    AdamW opt =
        AdamW.builder()
            .lr(0.1)
            .weightDecay(0.5)
            .buildGroups(
                List.of(
                    new ParamGroup(List.of(a)),
                    new ParamGroup(List.of(b), Map.of("weight_decay", 0.0))));
    a.setGrad(Tensor.of(new double[] {0.0}));
    b.setGrad(Tensor.of(new double[] {0.0}));
    opt.step();
    assertEquals(0.95, a.toDoubleArray()[0], 1e-15);
    assertEquals(1.0, b.toDoubleArray()[0], 0.0);
  }

  @Test
  void maximizeEqualsMinimizingTheNegatedGradient() {
    for (Function<List<Tensor>, Optimizer> make : ALL) {
      Tensor a = param();
      Tensor b = param();
      Optimizer max = make.apply(List.of(a));
      max.paramGroups().get(0).set("maximize", true);
      Optimizer min = make.apply(List.of(b));
      for (double[] g : GRADS) {
        a.setGrad(Tensor.of(g.clone(), 2, 3));
        double[] neg = g.clone();
        for (int i = 0; i < neg.length; i++) {
          neg[i] = -neg[i];
        }
        b.setGrad(Tensor.of(neg, 2, 3));
        max.step();
        min.step();
      }
      assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), 0.0, max.name());
    }
  }

  @Test
  void maximizeMovesUpTheGradient() {
    Tensor a = Tensor.of(new double[] {0.0}).requiresGrad(true);
    SGD opt = SGD.builder().lr(0.1).maximize(true).build(List.of(a));
    a.setGrad(Tensor.of(new double[] {2.0}));
    opt.step();
    assertEquals(0.2, a.toDoubleArray()[0], 1e-15);
  }

  @Test
  void parametersWithoutGradientAreSkipped() {
    for (Function<List<Tensor>, Optimizer> make : ALL) {
      Tensor a = param();
      Tensor b = param();
      Optimizer opt = make.apply(List.of(a, b));
      a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
      int version = b.version();
      opt.step();
      assertArrayEquals(OptimizerReferenceTest.P, b.toDoubleArray(), 0.0);
      assertEquals(version, b.version());
      assertNull(opt.stateOf(b));
      assertNotNull(opt.stateOf(a));
      assertFalse(opt.stateDict().meta().containsKey("state.1.step"));
    }
  }

  @Test
  void stepBumpsTheParameterVersion() {
    Tensor a = param();
    SGD opt = new SGD(List.of(a), 0.1);
    int v = a.version();
    a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
    opt.step();
    assertTrue(a.version() > v);
  }

  @Test
  void stepWorksWhileGradModeIsOn() {
    Tensor a = Tensor.of(new double[] {1, 2}).requiresGrad(true);
    a.mul(a).sum().backward();
    assertTrue(Tensor.isGradEnabled());
    new SGD(List.of(a), 0.25).step();
    assertArrayEquals(new double[] {0.5, 1.0}, a.toDoubleArray(), 1e-15);
  }

  @Test
  void float32UpdatesMatchFloat64Closely() {
    for (Function<List<Tensor>, Optimizer> make : ALL) {
      Tensor d = param();
      float[] pf = new float[6];
      for (int i = 0; i < 6; i++) {
        pf[i] = (float) OptimizerReferenceTest.P[i];
      }
      Tensor f = Tensor.of(pf, 2, 3).requiresGrad(true);
      Optimizer od = make.apply(List.of(d));
      Optimizer of = make.apply(List.of(f));
      for (double[] g : GRADS) {
        float[] gf = new float[6];
        for (int i = 0; i < 6; i++) {
          gf[i] = (float) g[i];
        }
        d.setGrad(Tensor.of(g.clone(), 2, 3));
        f.setGrad(Tensor.of(gf, 2, 3));
        od.step();
        of.step();
      }
      double[] fd = f.toDoubleArray();
      assertEquals(DType.FLOAT32, f.dtype());
      assertArrayEquals(d.toDoubleArray(), fd, 2e-6, od.name());
    }
  }

  @Test
  void stateSurvivesTheMemoryScopeOfTheFirstStep() {
    Tensor a = param();
    Adam opt = new Adam(List.of(a), 0.01);
    try (MemoryScope scope = MemoryScope.open()) {
      a.mul(a).sum().backward();
      opt.step();
    }
    a.zeroGrad();
    a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
    opt.step();
    assertEquals(2L, opt.stateDict().meta().get("state.0.step"));
  }

  @Test
  void zeroGradSetsToNoneByDefault() {
    Tensor a = param();
    SGD opt = new SGD(List.of(a), 0.1);
    a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
    opt.zeroGrad();
    assertNull(a.grad());
  }

  @Test
  void zeroGradInPlaceKeepsTheBuffer() {
    Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    SGD opt = new SGD(List.of(a), 0.1);
    Tensor g = Tensor.of(new float[] {3, 4});
    a.setGrad(g);
    opt.zeroGrad(false);
    assertSame(g, a.grad());
    assertArrayEquals(new float[] {0, 0}, a.grad().toFloatArray());
    a.mul(a).sum().backward();
    assertArrayEquals(new float[] {2, 4}, a.grad().toFloatArray());
  }

  @Test
  void sgdFirstMomentumBufferIsTheGradient() {
    Tensor a = Tensor.of(new double[] {1.0}).requiresGrad(true);
    SGD opt = SGD.builder().lr(1.0).momentum(0.9).dampening(0.5).build(List.of(a));
    a.setGrad(Tensor.of(new double[] {2.0}));
    opt.step();
    assertEquals(-1.0, a.toDoubleArray()[0], 1e-15);
    a.setGrad(Tensor.of(new double[] {2.0}));
    opt.step();
    // buf = 0.9 * 2 + 0.5 * 2 = 2.8
    assertEquals(-3.8, a.toDoubleArray()[0], 1e-15);
  }

  @Test
  void adamFirstStepMovesEachCoordinateByTheLearningRate() {
    Tensor a = Tensor.of(new double[] {1.0, 1.0}).requiresGrad(true);
    Adam opt = Adam.builder().lr(0.1).eps(0).build(List.of(a));
    a.setGrad(Tensor.of(new double[] {3.0, -0.001}));
    opt.step();
    assertArrayEquals(new double[] {0.9, 1.1}, a.toDoubleArray(), 1e-12);
  }

  @Test
  void amsgradKeepsTheLargestSecondMoment() {
    Tensor a = Tensor.of(new double[] {0.0}).requiresGrad(true);
    Adam opt = Adam.builder().lr(0.1).amsgrad(true).build(List.of(a));
    a.setGrad(Tensor.of(new double[] {10.0}));
    opt.step();
    a.setGrad(Tensor.of(new double[] {0.0}));
    opt.step();
    Optimizer.ParamState s = opt.stateOf(a);
    double v = s.buffer("exp_avg_sq").toDoubleArray()[0];
    double vmax = s.buffer("max_exp_avg_sq").toDoubleArray()[0];
    assertEquals(0.1, vmax, 1e-12);
    assertEquals(0.0999, v, 1e-12);
  }

  @Test
  void rmspropCenteredAndMomentumFollowTheFormula() {
    Tensor a = Tensor.of(new double[] {1.0}).requiresGrad(true);
    RMSprop opt =
        RMSprop.builder().lr(0.1).alpha(0.5).eps(0).momentum(0.5).centered(true).build(List.of(a));
    a.setGrad(Tensor.of(new double[] {2.0}));
    opt.step();
    // sq = 2, ga = 1, avg = sqrt(2 - 1) = 1, buf = 2, p = 1 - 0.2
    assertEquals(0.8, a.toDoubleArray()[0], 1e-15);
    a.setGrad(Tensor.of(new double[] {2.0}));
    opt.step();
    // sq = 3, ga = 1.5, avg = sqrt(0.75), buf = 1 + 2 / sqrt(0.75)
    assertEquals(0.8 - 0.1 * (1 + 2 / Math.sqrt(0.75)), a.toDoubleArray()[0], 1e-15);
  }

  // ---------------------------------------------------------------- errors

  static void assertIae(String needle, Runnable r) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(needle), e.getMessage());
  }

  @Test
  void invalidOptionsAreRejectedNamingTheOption() {
    List<Tensor> ps = List.of(param());
    assertIae("lr", () -> new SGD(ps, -0.1));
    assertIae("momentum", () -> SGD.builder().momentum(-1).build(ps));
    assertIae("dampening", () -> SGD.builder().dampening(-1).build(ps));
    assertIae("weight_decay", () -> SGD.builder().weightDecay(-1).build(ps));
    assertIae("nesterov", () -> SGD.builder().nesterov(true).build(ps));
    assertIae(
        "nesterov", () -> SGD.builder().momentum(0.9).dampening(0.1).nesterov(true).build(ps));
    assertIae("lr", () -> new Adam(ps, -1));
    assertIae("beta1", () -> Adam.builder().betas(1.0, 0.9).build(ps));
    assertIae("beta2", () -> Adam.builder().betas(0.9, -0.1).build(ps));
    assertIae("beta2", () -> AdamW.builder().betas(0.9, 1.5).build(ps));
    assertIae("eps", () -> AdamW.builder().eps(-1e-8).build(ps));
    assertIae("weight_decay", () -> AdamW.builder().weightDecay(-0.1).build(ps));
    assertIae("lr", () -> new AdamW(ps, Double.NaN));
    assertIae("alpha", () -> RMSprop.builder().alpha(-0.5).build(ps));
    assertIae("eps", () -> RMSprop.builder().eps(-1).build(ps));
    assertIae("momentum", () -> RMSprop.builder().momentum(-1).build(ps));
    assertIae("weight_decay", () -> RMSprop.builder().weightDecay(-1).build(ps));
  }

  @Test
  void invalidParameterListsAreRejected() {
    assertIae("empty", () -> SGD.builder().buildGroups(List.of()));
    assertIae("no parameters", () -> new SGD(List.of(), 0.1));
    Tensor a = param();
    assertIae("more than one place", () -> new SGD(List.of(a, a), 0.1));
    assertIae(
        "more than one place",
        () ->
            SGD.builder()
                .buildGroups(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(a)))));
    assertIae("INT64", () -> new SGD(List.of(Tensor.of(new long[] {1, 2})), 0.1));
    Tensor nonLeaf = param().mul(2.0);
    assertIae("non-leaf", () -> new SGD(List.of(nonLeaf), 0.1));
    assertIae(
        "unknown option 'betas'",
        () ->
            SGD.builder()
                .buildGroups(List.of(new ParamGroup(List.of(param()), Map.of("betas", 0.9)))));
  }

  @Test
  void optionChangedToAnInvalidValueFailsAtStep() {
    Tensor a = param();
    SGD opt = new SGD(List.of(a), 0.1);
    opt.paramGroups().get(0).set("momentum", -0.5);
    a.setGrad(Tensor.of(OptimizerReferenceTest.G1.clone(), 2, 3));
    assertIae("momentum", opt::step);
  }

  @Test
  void gradientOfAnotherTypeIsRejected() {
    Tensor a = param();
    SGD opt = new SGD(List.of(a), 0.1);
    a.setGrad(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertIae("FLOAT32", opt::step);
  }

  @Test
  void paramGroupRejectsBadOptionValuesAndLr() {
    assertIae("option 'lr'", () -> new ParamGroup(List.of(param()), Map.of("lr", "fast")));
    ParamGroup g = new ParamGroup(List.of(param()));
    assertIae("lr", () -> g.setLr(-1));
    assertIae("no numeric option 'lr'", g::lr);
    assertIae("no boolean option 'nesterov'", () -> g.getBoolean("nesterov"));
  }

  @Test
  void optimizerStateRejectsNonScalarMeta() {
    assertIae(
        "not a JSON scalar",
        () -> new OptimizerState(Map.of(), Map.of("betas", List.of(0.9, 0.999))));
  }
}
