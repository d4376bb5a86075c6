package dev.residual.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.optim.AdamW;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GPT2Test {
  static final GPT2Config TINY = GPT2Config.of(2, 2, 8, 16, 11);

  static Tensor ids(long[] v, long b, long t) {
    return Tensor.of(v, b, t);
  }

  @Test
  void parameterNamesFollowNanoGpt() {
    GPT2 m = new GPT2(GPT2Config.of(1, 2, 8, 16, 11), 0);
    List<String> names = new ArrayList<>(m.namedParameters().keySet());
    assertEquals(
        List.of(
            "transformer.wte.weight",
            "transformer.wpe.weight",
            "transformer.h.0.ln_1.weight",
            "transformer.h.0.ln_1.bias",
            "transformer.h.0.attn.c_attn.weight",
            "transformer.h.0.attn.c_attn.bias",
            "transformer.h.0.attn.c_proj.weight",
            "transformer.h.0.attn.c_proj.bias",
            "transformer.h.0.ln_2.weight",
            "transformer.h.0.ln_2.bias",
            "transformer.h.0.mlp.c_fc.weight",
            "transformer.h.0.mlp.c_fc.bias",
            "transformer.h.0.mlp.c_proj.weight",
            "transformer.h.0.mlp.c_proj.bias",
            "transformer.ln_f.weight",
            "transformer.ln_f.bias"),
        names);
    assertTrue(m.stateDict().containsKey("lm_head.weight"));
    assertArrayEquals(
        new long[] {24, 8}, m.getParameter("transformer.h.0.attn.c_attn.weight").shape());
    assertArrayEquals(
        new long[] {32, 8}, m.getParameter("transformer.h.0.mlp.c_fc.weight").shape());
    assertArrayEquals(
        new long[] {8, 32}, m.getParameter("transformer.h.0.mlp.c_proj.weight").shape());
  }

  @Test
  void lmHeadIsTheTokenEmbeddingTensor() {
    GPT2 m = new GPT2(TINY, 0);
    assertSame(m.getParameter("transformer.wte.weight"), m.getParameter("lm_head.weight"));
    m.to(DType.FLOAT64);
    assertSame(m.getParameter("transformer.wte.weight"), m.getParameter("lm_head.weight"));
  }

  @Test
  void numParametersCountsTiedWeightOnceAndMatchesFormula() {
    GPT2 m = new GPT2(TINY, 0);
    long expected = 11 * 8 + 16 * 8 + 2 * (4 * 8 + 24 * 8 + 24 + 64 + 8 + 256 + 32 + 256 + 8) + 16;
    assertEquals(expected, m.numParameters());
    assertEquals(expected, GPT2.countParameters(TINY));
    GPT2Config untied =
        new GPT2Config(2, 2, 8, 16, 11, 0, false, 1e-5, GPT2Config.Activation.GELU, false);
    GPT2 u = new GPT2(untied, 0);
    assertEquals(GPT2.countParameters(untied), u.numParameters());
    assertTrue(u.namedParameters().containsKey("lm_head.weight"));
  }

  /**
   * Building {@code gpt2()} itself takes seconds (drawing 124M normals), so its count of
   * 124,439,808 is checked through {@link GPT2#countParameters} (GPT2ConfigTest), which this test
   * ties to real models of every layout.
   */
  @Test
  void countParametersEqualsBuiltModelForEveryLayout() {
    for (boolean bias : new boolean[] {true, false}) {
      for (boolean tie : new boolean[] {true, false}) {
        GPT2Config c =
            new GPT2Config(3, 4, 16, 24, 37, 0, bias, 1e-5, GPT2Config.Activation.GELU_TANH, tie);
        assertEquals(GPT2.countParameters(c), new GPT2(c, 0).numParameters(), c.toString());
      }
    }
  }

  @Test
  void initialisationFollowsNanoGpt() {
    GPT2Config c = GPT2Config.of(4, 2, 64, 64, 256);
    GPT2 m = new GPT2(c, 7);
    assertEquals(0.02, std(m.getParameter("transformer.wte.weight")), 0.002);
    assertEquals(0.02, std(m.getParameter("transformer.h.0.attn.c_attn.weight")), 0.002);
    assertEquals(0.02, std(m.getParameter("transformer.h.3.mlp.c_fc.weight")), 0.002);
    double proj = 0.02 / Math.sqrt(8);
    assertEquals(proj, std(m.getParameter("transformer.h.0.attn.c_proj.weight")), proj * 0.1);
    assertEquals(proj, std(m.getParameter("transformer.h.2.mlp.c_proj.weight")), proj * 0.1);
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      double[] v = e.getValue().toDoubleArray();
      if (e.getKey().endsWith("bias")) {
        for (double x : v) {
          assertEquals(0.0, x, e.getKey());
        }
      } else if (e.getKey().contains("ln_")) {
        for (double x : v) {
          assertEquals(1.0, x, e.getKey());
        }
      }
    }
  }

  static double std(Tensor t) {
    double[] v = t.toDoubleArray();
    double s = 0;
    double s2 = 0;
    for (double x : v) {
      s += x;
      s2 += x * x;
    }
    double mean = s / v.length;
    return Math.sqrt(s2 / v.length - mean * mean);
  }

  @Test
  void sameSeedGivesSameModel() {
    assertArrayEquals(
        new GPT2(TINY, 5).getParameter("transformer.h.1.mlp.c_fc.weight").toFloatArray(),
        new GPT2(TINY, 5).getParameter("transformer.h.1.mlp.c_fc.weight").toFloatArray());
  }

  @Test
  void forwardGivesLogitsPerPosition() {
    GPT2 m = new GPT2(TINY, 0);
    Tensor logits = m.forward(ids(new long[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertArrayEquals(new long[] {2, 3, 11}, logits.shape());
    assertEquals(DType.FLOAT32, logits.dtype());
  }

  @Test
  void forwardIsCausal() {
    GPT2 m = new GPT2(TINY, 0);
    double[] a = m.forward(ids(new long[] {1, 2, 3, 4}, 1, 4)).toDoubleArray();
    double[] b = m.forward(ids(new long[] {1, 2, 9, 0}, 1, 4)).toDoubleArray();
    for (int i = 0; i < 2 * 11; i++) {
      assertEquals(a[i], b[i], 1e-6);
    }
    assertTrue(Math.abs(a[2 * 11] - b[2 * 11]) > 1e-6);
  }

  @Test
  void lossIsMeanCrossEntropyIgnoringMinusOne() {
    GPT2 m = new GPT2(TINY, 1);
    m.to(DType.FLOAT64);
    Tensor idx = ids(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor targets = ids(new long[] {2, -1, 4, -1, 6, 7}, 2, 3);
    GPT2.Output out = m.forward(idx, targets);
    assertArrayEquals(new long[] {2, 3, 11}, out.logits().shape());
    assertEquals(0, out.loss().dim());
    double[] logits = out.logits().toDoubleArray();
    long[] t = targets.toLongArray();
    double sum = 0;
    int n = 0;
    for (int p = 0; p < 6; p++) {
      if (t[p] < 0) {
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int v = 0; v < 11; v++) {
        max = Math.max(max, logits[p * 11 + v]);
      }
      double z = 0;
      for (int v = 0; v < 11; v++) {
        z += Math.exp(logits[p * 11 + v] - max);
      }
      sum += max + Math.log(z) - logits[p * 11 + (int) t[p]];
      n++;
    }
    assertEquals(sum / n, out.loss().item(), 1e-12);
  }

  @Test
  void freshModelLossIsNearLogVocab() {
    GPT2Config c = GPT2Config.of(2, 2, 16, 16, 50);
    GPT2 m = new GPT2(c, 3);
    Tensor idx = Tensor.randint(new Generator(1), 0, 50, 4, 16);
    Tensor tg = Tensor.randint(new Generator(2), 0, 50, 4, 16);
    assertEquals(Math.log(50), m.forward(idx, tg).loss().item(), 0.1);
  }

  @Test
  void lossBackpropagatesIntoEveryParameter() {
    GPT2 m = new GPT2(TINY, 2);
    m.forward(ids(new long[] {1, 2, 3, 4}, 1, 4), ids(new long[] {2, 3, 4, 5}, 1, 4))
        .loss()
        .backward();
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      assertTrue(e.getValue().grad() != null, e.getKey());
      assertArrayEquals(e.getValue().shape(), e.getValue().grad().shape(), e.getKey());
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesInFloat64IncludingTiedEmbedding() {
    GPT2 m = new GPT2(TINY, 12);
    m.to(DType.FLOAT64);
    Tensor idx = ids(new long[] {1, 2, 3, 1, 0, 10, 4, 4}, 2, 4);
    Tensor tg = ids(new long[] {2, 3, 1, -1, 10, 4, 4, 5}, 2, 4);
    m.forward(idx, tg).loss().backward();
    String[] names = {
      "transformer.wte.weight",
      "transformer.wpe.weight",
      "transformer.h.0.attn.c_attn.weight",
      "transformer.h.1.attn.c_proj.bias",
      "transformer.h.0.ln_1.weight",
      "transformer.h.1.mlp.c_fc.weight",
      "transformer.ln_f.bias"
    };
    double eps = 1e-6;
    for (String name : names) {
      Tensor p = m.getParameter(name);
      double[] grad = p.grad().toDoubleArray();
      for (int k = 0; k < p.numel(); k += Math.max(1, (int) p.numel() / 5)) {
        double orig = p.toDoubleArray()[k];
        double up = lossWith(m, p, k, orig + eps, idx, tg);
        double down = lossWith(m, p, k, orig - eps, idx, tg);
        lossWith(m, p, k, orig, idx, tg);
        assertEquals((up - down) / (2 * eps), grad[k], 1e-7, name + "[" + k + "]");
      }
    }
  }

  static double lossWith(GPT2 m, Tensor p, int k, double value, Tensor idx, Tensor tg) {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      // In-place on the storage: select() would copy, and the parameter must keep its identity.
      p.storage().setDouble(k, value);
      return m.forward(idx, tg).loss().item();
    }
  }

  @Test
  void sequenceLongerThanBlockSizeIsRejected() {
    GPT2 m = new GPT2(TINY, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> m.forward(Tensor.zeros(DType.INT64, 1, 17)));
    assertTrue(e.getMessage().contains("T = 17 exceeds blockSize 16"), e.getMessage());
  }

  @Test
  void outOfRangeTokenIdIsNamed() {
    GPT2 m = new GPT2(TINY, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> m.forward(ids(new long[] {1, 11}, 1, 2)));
    assertTrue(e.getMessage().contains("token id 11"), e.getMessage());
    assertTrue(e.getMessage().contains("[0, 11)"), e.getMessage());
    IllegalArgumentException neg =
        assertThrows(
            IllegalArgumentException.class, () -> m.forward(ids(new long[] {-1, 1}, 1, 2)));
    assertTrue(neg.getMessage().contains("token id -1"), neg.getMessage());
  }

  @Test
  void badIdxAndTargetsAreRejected() {
    GPT2 m = new GPT2(TINY, 0);
    assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(2, 3)));
    assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(DType.INT64, 3)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.forward(Tensor.zeros(DType.INT64, 1, 3), Tensor.zeros(DType.INT64, 1, 2)));
    assertTrue(e.getMessage().contains("[1, 2]") && e.getMessage().contains("[1, 3]"));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.forward(Tensor.zeros(DType.INT64, 1, 2), ids(new long[] {0, 11}, 1, 2)));
  }

  @Test
  void dropoutActsOnlyInTrainingMode() {
    GPT2 m = new GPT2(TINY.withDropout(0.5), 4);
    Tensor idx = ids(new long[] {1, 2, 3, 4}, 1, 4);
    float[] a = m.forward(idx).toFloatArray();
    float[] b = m.forward(idx).toFloatArray();
    assertFalse(java.util.Arrays.equals(a, b));
    m.eval();
    assertArrayEquals(m.forward(idx).toFloatArray(), m.forward(idx).toFloatArray());
    GPT2 plain = new GPT2(TINY, 4);
    plain.eval();
    assertArrayEquals(plain.forward(idx).toFloatArray(), m.forward(idx).toFloatArray(), 1e-6f);
  }

  @Test
  void exactGeluActivationChangesOutput() {
    GPT2Config exact =
        new GPT2Config(2, 2, 8, 16, 11, 0, true, 1e-5, GPT2Config.Activation.GELU, true);
    Tensor idx = ids(new long[] {1, 2, 3, 4}, 1, 4);
    float[] a = new GPT2(exact, 9).forward(idx).toFloatArray();
    float[] b = new GPT2(TINY, 9).forward(idx).toFloatArray();
    assertArrayEquals(a, b, 1e-2f);
    assertFalse(java.util.Arrays.equals(a, b));
  }

  @Test
  void twoLayerModelMemorisesAShortSequence() {
    GPT2Config c = GPT2Config.of(2, 2, 32, 16, 11);
    GPT2 m = new GPT2(c, 11);
    long[] seq = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2};
    long[] x = new long[16];
    long[] y = new long[16];
    System.arraycopy(seq, 0, x, 0, 16);
    System.arraycopy(seq, 1, y, 0, 16);
    Tensor idx = ids(x, 1, 16);
    Tensor tg = ids(y, 1, 16);
    AdamW opt = AdamW.builder().lr(3e-3).weightDecay(0.0).build(m.parameters());
    double first = 0;
    double last = 0;
    for (int step = 0; step < 100; step++) {
      opt.zeroGrad();
      Tensor loss = m.forward(idx, tg).loss();
      if (step == 0) {
        first = loss.item();
      }
      last = loss.item();
      loss.backward();
      opt.step();
    }
    assertEquals(Math.log(11), first, 0.2);
    assertTrue(last < 0.1, "loss after 100 steps: " + last);
    m.eval();
    Tensor pred = m.forward(idx).argmax(-1, false);
    assertArrayEquals(y, pred.toLongArray());
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new GPT2(null, new Generator(0)));
    assertThrows(IllegalArgumentException.class, () -> new GPT2(TINY, null));
    GPT2 m = new GPT2(TINY, 0);
    assertThrows(IllegalArgumentException.class, () -> m.forward(null));
  }
}
