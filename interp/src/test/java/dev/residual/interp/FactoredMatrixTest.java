package dev.residual.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2Config;
import org.junit.jupiter.api.Test;

class FactoredMatrixTest {
  private static double frob(Tensor m) {
    return Math.sqrt(m.square().sum().item());
  }

  @Test
  void normProductsAndTransposeMatchTheFormedMatrix() {
    Generator g = new Generator(2);
    Tensor a = Tensor.randn(g, 3, 9, 4).to(DType.FLOAT64);
    Tensor b = Tensor.randn(g, 3, 4, 7).to(DType.FLOAT64);
    FactoredMatrix f = new FactoredMatrix(a, b);
    assertArrayEquals(new long[] {3, 9, 7}, f.shape());
    Tensor ab = f.AB();
    double[] norms = f.norm().toDoubleArray();
    for (int i = 0; i < 3; i++) {
      assertEquals(frob(ab.select(0, i)), norms[i], 1e-9);
    }
    assertEquals(0.0, f.transpose().AB().sub(ab.transpose(-2, -1)).abs().max().item(), 1e-12);
    Tensor m = Tensor.randn(g, 7, 5).to(DType.FLOAT64);
    assertEquals(0.0, f.times(m).AB().sub(ab.matmul(m)).abs().max().item(), 1e-9);
    FactoredMatrix other =
        new FactoredMatrix(
            Tensor.randn(g, 7, 2).to(DType.FLOAT64), Tensor.randn(g, 2, 6).to(DType.FLOAT64));
    assertEquals(0.0, f.times(other).AB().sub(ab.matmul(other.AB())).abs().max().item(), 1e-9);
    assertThrows(
        IllegalArgumentException.class,
        () -> new FactoredMatrix(Tensor.ones(3, 4), Tensor.ones(5, 2)));
  }

  @Test
  void svdFromTheFactorsReconstructsTheProductWithOrthonormalVectors() {
    Generator g = new Generator(5);
    Tensor a = Tensor.randn(g, 2, 12, 3).to(DType.FLOAT64);
    Tensor b = Tensor.randn(g, 2, 3, 10).to(DType.FLOAT64);
    FactoredMatrix f = new FactoredMatrix(a, b);
    FactoredMatrix.Svd svd = f.svd();
    for (int i = 0; i < 2; i++) {
      Tensor u = svd.u().select(0, i);
      Tensor s = svd.s().select(0, i);
      Tensor v = svd.v().select(0, i);
      Tensor rebuilt = u.mul(s.unsqueeze(0)).matmul(v.t());
      assertEquals(0.0, rebuilt.sub(f.AB().select(0, i)).abs().max().item(), 1e-9);
      assertEquals(
          0.0, u.t().matmul(u).sub(Tensor.eye(3).to(DType.FLOAT64)).abs().max().item(), 1e-9);
      assertEquals(
          0.0, v.t().matmul(v).sub(Tensor.eye(3).to(DType.FLOAT64)).abs().max().item(), 1e-9);
      double[] sv = s.toDoubleArray();
      assertTrue(sv[0] >= sv[1] && sv[1] >= sv[2], "descending");
      assertEquals(frob(f.AB().select(0, i)), Math.sqrt(s.square().sum().item()), 1e-9);
    }
  }

  @Test
  void compositionScoresMatchTheFormedCircuitsAndRespectLayerOrder() {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));
    Tensor k = Composition.all(ht, Composition.Kind.K); // [2, 4, 2, 4]
    Tensor ov = ht.OV().AB();
    Tensor qk = ht.QK().AB();
    for (int h1 = 0; h1 < 4; h1++) {
      for (int h2 = 0; h2 < 4; h2++) {
        Tensor left = ov.select(0, 0).select(0, h1).to(DType.FLOAT64);
        Tensor right = qk.select(0, 1).select(0, h2).t().to(DType.FLOAT64);
        double want = frob(left.matmul(right)) / (frob(left) * frob(right));
        double got = k.select(0, 0).select(0, h1).select(0, 1).select(0, h2).item();
        assertEquals(want, got, 1e-4);
      }
    }
    assertEquals(0.0, k.select(0, 1).abs().sum().item(), "no composition from the last layer");
    // A reader aligned with a writer's output space scores well above an unrelated rank-8 reader.
    Generator g = new Generator(8);
    FactoredMatrix writer =
        new FactoredMatrix(ht.W_V().select(0, 0).select(0, 0), ht.W_O().select(0, 0).select(0, 0));
    FactoredMatrix aligned = writer.transpose();
    FactoredMatrix random = new FactoredMatrix(Tensor.randn(g, 32, 8), Tensor.randn(g, 8, 32));
    double alignedScore = Composition.score(writer, aligned);
    double randomScore = Composition.score(writer, random);
    assertTrue(alignedScore > 2 * randomScore, alignedScore + " vs random " + randomScore);
  }

  @Test
  void randomBaselineIsNearTheAnalyticRankRatio() {
    HookedTransformer ht =
        HookedTransformer.fromGPT2(HookedTransformerTest.model(GPT2Config.Activation.GELU, true));
    double base = Composition.randomBaseline(ht, 20, new Generator(3));
    // Independent rank-8 maps in 32 dims: the score concentrates near sqrt(8 / 32) / sqrt(8) ~
    // 0.18.
    assertTrue(base > 0.1 && base < 0.35, "baseline " + base);
    assertThrows(
        IllegalArgumentException.class, () -> Composition.randomBaseline(ht, 0, new Generator(0)));
  }

  @Test
  void eigenvaluesOfTheProductComeFromTheSmallFactorOrder() {
    // A rotation-and-scale: B A = [[0, -2], [2, 0]] has eigenvalues ±2i; A B (3 x 3) adds a 0.
    Tensor a = Tensor.of(new double[] {1, 0, 0, 1, 0, 0}, 3, 2);
    Tensor b = Tensor.of(new double[] {0, -2, 0, 2, 0, 0}, 2, 3);
    FactoredMatrix.Eigenvalues rot = new FactoredMatrix(a, b).eigenvalues();
    assertArrayEquals(new double[] {0, 0}, rot.real().toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {2, -2}, rot.imag().toDoubleArray(), 1e-12);
    assertEquals(0.0, rot.positivity().item(), 1e-12);
    // Random 2-dim factors, batched: compare with the 2 x 2 formula on B A.
    Generator g = new Generator(9);
    Tensor a2 = Tensor.randn(g, 4, 6, 2).to(DType.FLOAT64);
    Tensor b2 = Tensor.randn(g, 4, 2, 6).to(DType.FLOAT64);
    FactoredMatrix.Eigenvalues e = new FactoredMatrix(a2, b2).eigenvalues();
    assertArrayEquals(new long[] {4, 2}, e.real().shape());
    double[] ba = b2.matmul(a2).toDoubleArray();
    double[] re = e.real().toDoubleArray();
    double[] im = e.imag().toDoubleArray();
    for (int i = 0; i < 4; i++) {
      double p = ba[4 * i];
      double q = ba[4 * i + 1];
      double r = ba[4 * i + 2];
      double t = ba[4 * i + 3];
      double half = (p + t) / 2;
      double disc = half * half - (p * t - q * r);
      // Sum and product of the two eigenvalues are the trace and the determinant.
      assertEquals(p + t, re[2 * i] + re[2 * i + 1], 1e-9);
      double prodRe = re[2 * i] * re[2 * i + 1] - im[2 * i] * im[2 * i + 1];
      assertEquals(p * t - q * r, prodRe, 1e-9);
      if (disc >= 0) {
        double hi = Math.max(Math.abs(half + Math.sqrt(disc)), Math.abs(half - Math.sqrt(disc)));
        assertEquals(hi, Math.abs(re[2 * i]), 1e-9, "descending modulus");
        assertEquals(0.0, im[2 * i], 1e-12);
      } else {
        assertEquals(Math.sqrt(-disc), im[2 * i], 1e-9, "conjugate pair, positive first");
      }
    }
    // A copying map (A B = 3 P for a projection P) scores positivity 1.
    Tensor basis = Tensor.of(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
    FactoredMatrix copy = new FactoredMatrix(basis, basis.t().mul(3.0));
    assertEquals(1.0, copy.eigenvalues().positivity().item(), 1e-12);
    assertThrows(
        IllegalArgumentException.class,
        () -> new FactoredMatrix(Tensor.ones(3, 2), Tensor.ones(2, 4)).eigenvalues());
  }
}
