package dev.residual.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.residual.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The reference numbers of issue 3 (PyTorch 1.13, FLOAT64), reproduced to 1e-9. */
class OptimizerReferenceTest {
  static final double[] P = {0.1, -0.2, 0.3, 0.4, -0.5, 0.6};
  static final double[] G1 = {0.5, -0.1, 0.2, 0.3, 0.0, -0.4};
  static final double[] G2 = {-0.2, 0.4, 0.1, 0.05, 0.3, 0.2};
  static final double[] G3 = {0.1, 0.1, -0.3, -0.6, 0.2, 0.0};

  static double[] run(Function<List<Tensor>, Optimizer> make) {
    Tensor p = Tensor.of(P.clone(), 2, 3).requiresGrad(true);
    Optimizer opt = make.apply(List.of(p));
    for (double[] g : new double[][] {G1, G2, G3}) {
      p.setGrad(Tensor.of(g.clone(), 2, 3));
      opt.step();
    }
    return p.toDoubleArray();
  }

  @Test
  void plainSgdMatchesPyTorch() {
    assertArrayEquals(
        new double[] {0.06, -0.24, 0.3, 0.425, -0.55, 0.62}, run(ps -> new SGD(ps, 0.1)), 1e-9);
  }

  @Test
  void nesterovSgdWithWeightDecayMatchesPyTorch() {
    double[] got =
        run(ps -> SGD.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(0.01).build(ps));
    assertArrayEquals(
        new double[] {
          -0.0371111528, -0.2913614916, 0.2589513932, 0.3943927447, -0.6151741506, 0.678199495
        },
        got,
        1e-9);
  }

  @Test
  void adamMatchesPyTorch() {
    double[] got = run(ps -> Adam.builder().lr(0.01).betas(0.9, 0.999).eps(1e-8).build(ps));
    assertArrayEquals(
        new double[] {
          0.0827500241, -0.2013044866, 0.2814979726, 0.3851302413, -0.5157714772, 0.614722163
        },
        got,
        1e-9);
  }

  @Test
  void adamWMatchesPyTorch() {
    double[] got =
        run(ps -> AdamW.builder().lr(0.01).betas(0.9, 0.95).eps(1e-8).weightDecay(0.1).build(ps));
    assertArrayEquals(
        new double[] {
          0.0823636907, -0.2006606105, 0.280549725, 0.3838204183, -0.5141121121, 0.6129641466
        },
        got,
        1e-9);
  }

  @Test
  void adamWMaximizeMatchesPyTorch() {
    double[] got =
        run(
            ps ->
                AdamW.builder()
                    .lr(0.01)
                    .betas(0.9, 0.95)
                    .eps(1e-8)
                    .weightDecay(0.1)
                    .maximize(true)
                    .build(ps));
    assertArrayEquals(
        new double[] {
          0.1170369091, -0.1981405891, 0.3176520744, 0.4137819809, -0.4828908869, 0.5834394522
        },
        got,
        1e-9);
  }

  @Test
  void rmspropMatchesPyTorch() {
    double[] got = run(ps -> RMSprop.builder().lr(0.01).alpha(0.99).eps(1e-8).build(ps));
    assertArrayEquals(
        new double[] {
          0.018877003, -0.2207317691, 0.2355349046, 0.3728543805, -0.6556629852, 0.6550986596
        },
        got,
        1e-9);
  }

  @Test
  void clipGradNormMatchesPyTorchFloat32() {
    Tensor a = Tensor.of(new float[] {1, 1, 1, 1, 1, 1}, 2, 3).requiresGrad(true);
    Tensor b = Tensor.of(new float[] {1, 1, 1, 1}).requiresGrad(true);
    a.setGrad(Tensor.of(new float[] {3, 4, 0, 0, 0, 12}, 2, 3));
    b.setGrad(Tensor.of(new float[] {1, 2, 2, 0}));
    double total = GradClip.clipGradNorm(List.of(a, b), 1.0);
    assertEquals(13.34166431427002, total, 0.0);
    float[] g = a.grad().toFloatArray();
    double[] expected = {0.22485947608947754, 0.2998126447200775, 0, 0, 0, 0.8994379043579102};
    for (int i = 0; i < 6; i++) {
      assertEquals((float) expected[i], g[i], 0f, "element " + i);
    }
  }
}
