package dev.residual.diffusion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UNetTest {

  private static Tensor timesteps(long... t) {
    return Tensor.of(t, t.length);
  }

  private static UNet tiny(int numClasses, long seed) {
    return new UNet(
        1, 4, new int[] {1, 2}, 1, new int[] {1}, true, 2, 0.0, numClasses, new Generator(seed));
  }

  @Test
  void outputShapeEqualsInputShapeFor28x28WithTwoLevels() {
    UNet net = new UNet(1, 8, new int[] {1, 2}, 1, new int[0], false, 4, 0.0, 0, new Generator(1));
    Tensor x = Tensor.randn(new Generator(2), 2, 1, 28, 28);
    Tensor out = net.predict(x, timesteps(3, 500), null);
    assertArrayEquals(new long[] {2, 1, 28, 28}, out.shape());
  }

  @Test
  void outputShapeEqualsInputShapeFor32x32WithAttentionAt16x16AndMiddle() {
    UNet net =
        new UNet(1, 8, new int[] {1, 2, 2}, 1, new int[] {1}, true, 4, 0.1, 10, new Generator(1));
    Tensor x = Tensor.randn(new Generator(2), 2, 1, 32, 32);
    Tensor out = net.predict(x, timesteps(0, 999), Tensor.of(new long[] {3, 10}, 2));
    assertArrayEquals(new long[] {2, 1, 32, 32}, out.shape());
  }

  @Test
  void everySkipPushedIsPoppedOnTheUpPath() {
    int[] mults = {1, 2, 2};
    int res = 2;
    UNet net = new UNet(2, 8, mults, res, new int[] {2}, true, 4, 0.0, 0, new Generator(4));
    net.forward(Tensor.randn(new Generator(5), 1, 2, 16, 16), timesteps(7), null);
    int expected = 1 + mults.length * res + mults.length - 1;
    assertEquals(expected, net.lastPushes());
    assertEquals(mults.length * (res + 1), net.lastPops());
    assertEquals(net.lastPushes(), net.lastPops());
  }

  @Test
  void unbalancedSkipCountsThrowNamingBothCounts() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> UNet.checkSkipsConsumed(6, 5));
    assertTrue(e.getMessage().contains("pushed 6 but popped 5"), e.getMessage());
  }

  @Test
  void gradientsReachEveryParameter() {
    UNet net =
        new UNet(1, 8, new int[] {1, 2}, 1, new int[] {1}, true, 4, 0.0, 3, new Generator(11));
    Tensor x = Tensor.randn(new Generator(12), 3, 1, 8, 8);
    Tensor out = net.forward(x, timesteps(1, 50, 900), Tensor.of(new long[] {0, 2, 3}, 3));
    out.mul(Tensor.randn(new Generator(13), 3, 1, 8, 8)).sum().backward();
    for (Map.Entry<String, Tensor> p : net.namedParameters().entrySet()) {
      Tensor grad = p.getValue().grad();
      assertNotNull(grad, p.getKey() + " has no gradient");
      double maxAbs = 0;
      for (double v : grad.toDoubleArray()) {
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      assertTrue(maxAbs > 0, p.getKey() + " has an all-zero gradient");
    }
  }

  @Test
  void parameterGradientsMatchFiniteDifferencesInFloat64() {
    UNet net = tiny(3, 21);
    net.to(DType.FLOAT64);
    Tensor x = Tensor.randn(new Generator(22), 2, 1, 4, 4).to(DType.FLOAT64);
    Tensor r = Tensor.randn(new Generator(23), 2, 1, 4, 4).to(DType.FLOAT64);
    Tensor t = timesteps(5, 80);
    Tensor y = Tensor.of(new long[] {1, 3}, 2);
    net.forward(x, t, y).mul(r).sum().backward();
    Map<String, Tensor> params = net.namedParameters();
    String[] names = {
      "in_conv.weight",
      "time_fc1.weight",
      "class_embed.weight",
      "down0_res0.conv1.weight",
      "down1_res0.skip.weight",
      "down1_attn0.qkv.weight",
      "mid_attn.proj.bias",
      "up1_res1.norm1.weight",
      "up0_res0.temb_proj.weight",
      "out_conv.bias"
    };
    double h = 1e-6;
    for (String name : names) {
      Tensor p = params.get(name);
      assertNotNull(p, name);
      int n = (int) p.numel();
      for (int k : new int[] {0, n / 2, n - 1}) {
        double analytic = p.grad().storage().getDouble(k);
        double orig = p.storage().getDouble(k);
        double plus;
        double minus;
        try (var ng = Tensor.noGrad()) {
          p.storage().setDouble(k, orig + h);
          plus = net.forward(x, t, y).mul(r).sum().item();
          p.storage().setDouble(k, orig - h);
          minus = net.forward(x, t, y).mul(r).sum().item();
          p.storage().setDouble(k, orig);
        }
        double numeric = (plus - minus) / (2 * h);
        assertEquals(numeric, analytic, 1e-6 + 1e-5 * Math.abs(numeric), name + "[" + k + "]");
      }
    }
  }

  @Test
  void classLabelChangesTheOutput() {
    UNet net = tiny(10, 31);
    Tensor x = Tensor.randn(new Generator(32), 1, 1, 4, 4);
    double[] a = net.predict(x, timesteps(10), Tensor.of(new long[] {2}, 1)).toDoubleArray();
    double[] b = net.predict(x, timesteps(10), Tensor.of(new long[] {7}, 1)).toDoubleArray();
    double[] none = net.predict(x, timesteps(10), null).toDoubleArray();
    double[] noneExplicit =
        net.predict(x, timesteps(10), Tensor.of(new long[] {10}, 1)).toDoubleArray();
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertTrue(diff > 1e-6, "labels 2 and 7 gave the same output");
    assertArrayEquals(noneExplicit, none, 0.0, "null labels mean the 'no label' row");
  }

  @Test
  void timestepChangesTheOutput() {
    UNet net = tiny(0, 41);
    Tensor x = Tensor.randn(new Generator(42), 1, 1, 4, 4);
    double[] a = net.predict(x, timesteps(1), null).toDoubleArray();
    double[] b = net.predict(x, timesteps(700), null).toDoubleArray();
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    assertTrue(diff > 1e-6);
  }

  @Test
  void sizesNotDivisibleByTwoToTheLevelsMinusOneAreRejected() {
    UNet net =
        new UNet(1, 8, new int[] {1, 2, 2}, 1, new int[0], false, 4, 0.0, 0, new Generator(1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> net.forward(Tensor.zeros(1, 1, 30, 32), timesteps(1), null));
    assertTrue(e.getMessage().contains("[1, 1, 30, 32]"), e.getMessage());
    assertTrue(e.getMessage().contains("2^(levels-1) = 4"), e.getMessage());
  }

  @Test
  void badInputShapesAreRejectedWithTheShapes() {
    UNet net = tiny(0, 1);
    Tensor x = Tensor.zeros(2, 1, 4, 4);
    IllegalArgumentException wrongChannels =
        assertThrows(
            IllegalArgumentException.class,
            () -> net.forward(Tensor.zeros(2, 3, 4, 4), timesteps(1, 2), null));
    assertTrue(wrongChannels.getMessage().contains("[2, 3, 4, 4]"));
    IllegalArgumentException wrongT =
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, timesteps(1), null));
    assertTrue(wrongT.getMessage().contains("expected t [2]"), wrongT.getMessage());
    IllegalArgumentException labelsUnconditional =
        assertThrows(
            IllegalArgumentException.class,
            () -> net.forward(x, timesteps(1, 2), Tensor.of(new long[] {0, 1}, 2)));
    assertTrue(labelsUnconditional.getMessage().contains("unconditional"));
    UNet conditional = tiny(3, 1);
    IllegalArgumentException wrongY =
        assertThrows(
            IllegalArgumentException.class,
            () -> conditional.forward(x, timesteps(1, 2), Tensor.of(new long[] {0}, 1)));
    assertTrue(wrongY.getMessage().contains("expected y [2]"), wrongY.getMessage());
  }

  @Test
  void badConfigurationsAreRejected() {
    Generator g = new Generator(1);
    assertThrows(
        IllegalArgumentException.class,
        () -> new UNet(1, 6, new int[] {1, 2}, 1, new int[0], false, 4, 0.0, 0, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UNet(1, 8, new int[] {1, 2}, 1, new int[] {2}, false, 4, 0.0, 0, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UNet(1, 7, new int[] {1}, 1, new int[0], false, 1, 0.0, 0, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UNet(1, 8, new int[0], 1, new int[0], false, 4, 0.0, 0, g));
    assertThrows(
        IllegalArgumentException.class,
        () -> new UNet(1, 8, new int[] {1}, 1, new int[0], false, 4, 1.0, 0, g));
  }

  @Test
  void sinusoidalEmbeddingHasSinThenCosHalves() {
    Tensor e = UNet.sinusoidal(timesteps(0, 2), 4, DType.FLOAT64);
    assertArrayEquals(new long[] {2, 4}, e.shape());
    double[] v = e.toDoubleArray();
    // t = 0: sin = 0, cos = 1; t = 2, frequencies 1 and 10000^(-1/2) = 0.01.
    assertArrayEquals(
        new double[] {0, 0, 1, 1, Math.sin(2), Math.sin(0.02), Math.cos(2), Math.cos(0.02)},
        v,
        1e-12);
  }

  @Test
  void configConstructorMatchesTheArgumentConstructorAndIsReported() {
    UNet.Config c = new UNet.Config(1, 8, new int[] {1, 2}, 1, new int[] {1}, true, 4, 0.0, 10);
    UNet a = new UNet(c, new Generator(7));
    UNet b = new UNet(1, 8, new int[] {1, 2}, 1, new int[] {1}, true, 4, 0.0, 10, new Generator(7));
    assertEquals(c, a.config());
    assertEquals(c, b.config());
    assertEquals(c.hashCode(), b.config().hashCode());
    Tensor x = Tensor.randn(new Generator(8), 1, 1, 8, 8);
    Tensor t = Tensor.of(new long[] {3});
    assertArrayEquals(
        a.forward(x, t, null).toFloatArray(), b.forward(x, t, null).toFloatArray(), 0.0f);
  }

  @Test
  void configCopiesItsArraysAndTreatsNullAttentionAsNone() {
    int[] mults = {1, 2};
    UNet.Config c = new UNet.Config(1, 8, mults, 1, null, false, 4, 0.0, 0);
    mults[1] = 3;
    c.channelMults()[0] = 5;
    assertArrayEquals(new int[] {1, 2}, c.channelMults());
    assertArrayEquals(new int[0], c.attentionLevels());
    assertTrue(c.toString().contains("channelMults=[1, 2]"), c.toString());
  }

  @Test
  void configValidatesLikeTheConstructor() {
    IllegalArgumentException odd =
        assertThrows(
            IllegalArgumentException.class,
            () -> new UNet.Config(1, 7, new int[] {1}, 1, null, false, 1, 0.0, 0));
    assertTrue(odd.getMessage().contains("even"), odd.getMessage());
    IllegalArgumentException level =
        assertThrows(
            IllegalArgumentException.class,
            () -> new UNet.Config(1, 8, new int[] {1, 2}, 1, new int[] {2}, false, 4, 0.0, 0));
    assertTrue(level.getMessage().contains("attention level 2"), level.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new UNet(null, new Generator(0)));
  }
}
