package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.nn.functional.F;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IndexingTest {
  private static Tensor d(double[] v, long... shape) {
    return Tensor.of(v, shape);
  }

  private static Tensor l(long[] v, long... shape) {
    return Tensor.of(v, shape);
  }

  private static void assertShape(Tensor t, long... shape) {
    assertArrayEquals(shape, t.shape(), () -> "shape " + Arrays.toString(t.shape()));
  }

  private static void assertMessage(Runnable r, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
    }
  }

  /** Analytic gradient of {@code sum(f(x) * w)} against central differences, in FLOAT64. */
  private static void assertGradientMatchesFiniteDifferences(
      Function<Tensor, Tensor> f, Tensor x0) {
    GradCheck.check("f", in -> f.apply(in[0]), new Object[] {x0.to(DType.FLOAT64)});
  }

  // ------------------------------------------------------------------ gather

  @Test
  void gatherPicksAlongDimAsPyTorch() {
    Tensor x = d(new double[] {1, 2, 3, 4}, 2, 2);
    Tensor g = x.gather(1, l(new long[] {0, 0, 1, 0}, 2, 2));
    assertArrayEquals(new double[] {1, 1, 4, 3}, g.toDoubleArray());
    assertArrayEquals(
        g.toDoubleArray(), x.gather(-1, l(new long[] {0, 0, 1, 0}, 2, 2)).toDoubleArray());
    Tensor y = Tensor.arange(0, 9, 1, DType.FLOAT32).reshape(3, 3);
    Tensor h = y.gather(0, Tensor.of(new int[] {2, 1, 0}, 1, 3));
    assertShape(h, 1, 3);
    assertEquals(DType.FLOAT32, h.dtype());
    assertArrayEquals(new float[] {6, 4, 2}, h.toFloatArray());
    Tensor longer = d(new double[] {5, 6}).gather(0, l(new long[] {1, 1, 0}));
    assertArrayEquals(new double[] {6, 6, 5}, longer.toDoubleArray());
  }

  @Test
  void gatherRejectsBadIndexNamingValueAndPosition() {
    Tensor x = Tensor.zeros(2, 2);
    assertMessage(
        () -> x.gather(1, l(new long[] {0, 5, 1, 0}, 2, 2)),
        "gather",
        "index value 5",
        "position [0, 1]",
        "[2, 2]");
    assertMessage(() -> x.gather(0, l(new long[] {-1, 0}, 1, 2)), "gather", "-1", "[0, 2)");
    assertMessage(() -> x.gather(0, l(new long[] {0, 1})), "gather", "[2]", "[2, 2]");
    assertMessage(
        () -> x.gather(0, l(new long[] {0, 0, 0}, 1, 3)), "gather", "[1, 3]", "[2, 2]", "dim 1");
    assertMessage(() -> x.gather(0, Tensor.zeros(2, 2)), "gather", "FLOAT32", "[2, 2]");
  }

  @Test
  void gatherGradientAccumulatesRepeatedIndices() {
    Tensor x = d(new double[] {1, 2, 3}).requiresGrad(true);
    x.gather(0, l(new long[] {0, 0, 2, 0})).sum().backward();
    assertArrayEquals(new double[] {3, 0, 1}, x.grad().toDoubleArray());
    Tensor r = Tensor.randn(new Generator(1), 3, 4).to(DType.FLOAT64);
    Tensor idx = l(new long[] {2, 0, 1, 1, 0, 0, 2, 2}, 2, 4);
    assertGradientMatchesFiniteDifferences(t -> t.gather(0, idx), r);
  }

  // ------------------------------------------------------------------ scatterAdd

  @Test
  void scatterAddAccumulatesRepeatedIndices() {
    Tensor out =
        Tensor.zeros(DType.FLOAT64, 3)
            .scatterAdd(0, l(new long[] {0, 1, 0, 2}), d(new double[] {1, 2, 3, 4}));
    assertArrayEquals(new double[] {4, 2, 4}, out.toDoubleArray());
    Tensor x = d(new double[] {10, 10, 10, 10, 10, 10}, 2, 3);
    Tensor m =
        x.scatterAdd(
            0, l(new long[] {0, 1, 0, 1, 0, 0}, 2, 3), d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertArrayEquals(new double[] {11, 15, 19, 14, 12, 10}, m.toDoubleArray());
    assertArrayEquals(new double[] {10, 10, 10, 10, 10, 10}, x.toDoubleArray());
  }

  @Test
  void scatterAddGradientsAreIdentityAndGather() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
    Tensor src = d(new double[] {1, 2, 3, 9, 4, 5, 6, 9}, 2, 4).requiresGrad(true);
    Tensor idx = l(new long[] {0, 1, 0, 1, 0, 0}, 2, 3);
    Tensor w = d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    x.scatterAdd(0, idx, src).mul(w).sum().backward();
    assertArrayEquals(w.toDoubleArray(), x.grad().toDoubleArray());
    assertArrayEquals(new double[] {1, 5, 3, 0, 4, 2, 3, 0}, src.grad().toDoubleArray());
    Tensor onlySrc = d(new double[] {1, 2}).requiresGrad(true);
    Tensor.zeros(DType.FLOAT64, 3).scatterAdd(0, l(new long[] {2, 2}), onlySrc).sum().backward();
    assertArrayEquals(new double[] {1, 1}, onlySrc.grad().toDoubleArray());
  }

  @Test
  void scatterAddErrorsNameOpAndShapes() {
    Tensor x = Tensor.zeros(3);
    assertMessage(
        () -> x.scatterAdd(0, l(new long[] {0, 3}), Tensor.ones(2)),
        "scatterAdd",
        "index value 3",
        "[3]");
    assertMessage(
        () -> x.scatterAdd(0, l(new long[] {0, 1}), Tensor.ones(DType.FLOAT64, 2)),
        "scatterAdd",
        "FLOAT32",
        "FLOAT64");
    assertMessage(
        () -> x.scatterAdd(0, l(new long[] {0, 1, 2}), Tensor.ones(2)),
        "scatterAdd",
        "src",
        "[3]",
        "[2]");
    assertMessage(
        () -> x.scatterAdd(0, l(new long[] {0, 1}, 1, 2), Tensor.ones(1, 2)),
        "scatterAdd",
        "[3]",
        "[1, 2]");
  }

  // ------------------------------------------------------------------ indexSelect

  @Test
  void indexSelectPicksSlicesWithRepeats() {
    Tensor x = d(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Tensor r = x.indexSelect(0, l(new long[] {2, 0, 2}));
    assertShape(r, 3, 2);
    assertArrayEquals(new double[] {5, 6, 1, 2, 5, 6}, r.toDoubleArray());
    Tensor c = x.indexSelect(-1, Tensor.of(new int[] {1}));
    assertShape(c, 3, 1);
    assertArrayEquals(new double[] {2, 4, 6}, c.toDoubleArray());
    Tensor wide = Tensor.arange(0, 3 * 40, 1, DType.FLOAT32).reshape(3, 40);
    Tensor w = wide.indexSelect(0, l(new long[] {1}));
    assertEquals(40, w.toFloatArray()[0]);
    assertEquals(79, w.toFloatArray()[39]);
  }

  @Test
  void indexSelectGradientAccumulatesRepeats() {
    Tensor x = d(new double[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
    x.indexSelect(0, l(new long[] {2, 0, 2})).sum().backward();
    assertArrayEquals(new double[] {1, 1, 0, 0, 2, 2}, x.grad().toDoubleArray());
    Tensor r = Tensor.randn(new Generator(2), 2, 3, 2).to(DType.FLOAT64);
    assertGradientMatchesFiniteDifferences(t -> t.indexSelect(1, l(new long[] {1, 1, 0})), r);
  }

  @Test
  void indexSelectErrorsNameOpValueAndShape() {
    Tensor x = Tensor.zeros(3, 2);
    assertMessage(
        () -> x.indexSelect(0, l(new long[] {0, 3})), "indexSelect", "index value 3", "[3, 2]");
    assertMessage(
        () -> x.indexSelect(0, l(new long[] {0, 1}, 1, 2)), "indexSelect", "1-D", "[1, 2]");
    assertMessage(() -> x.indexSelect(0, Tensor.zeros(1)), "indexSelect", "FLOAT32");
  }

  // ------------------------------------------------------------------ embedding

  @Test
  void embeddingLooksUpRowsForAnyIndexShape() {
    Tensor w = Tensor.arange(0, 12, 1, DType.FLOAT64).reshape(4, 3);
    Tensor e = F.embedding(l(new long[] {1, 3, 1, 0}, 2, 2), w);
    assertShape(e, 2, 2, 3);
    assertArrayEquals(new double[] {3, 4, 5, 9, 10, 11, 3, 4, 5, 0, 1, 2}, e.toDoubleArray());
    Tensor single = F.embedding(Tensor.of(new int[] {2}).reshape(), w);
    assertShape(single, 3);
    assertArrayEquals(new double[] {6, 7, 8}, single.toDoubleArray());
  }

  @Test
  void embeddingFloat32WideRowsAreCopiedExactly() {
    Generator g = new Generator(3);
    Tensor w = Tensor.randn(g, 10, 64);
    Tensor idx = l(new long[] {9, 0, 4});
    float[] out = F.embedding(idx, w).toFloatArray();
    float[] all = w.toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(all, 9 * 64, 10 * 64), Arrays.copyOfRange(out, 0, 64));
    assertArrayEquals(Arrays.copyOfRange(all, 4 * 64, 5 * 64), Arrays.copyOfRange(out, 128, 192));
  }

  @Test
  void embeddingGradientAccumulatesRepeatedIndices() {
    Tensor w = Tensor.zeros(DType.FLOAT64, 4, 3).requiresGrad(true);
    Tensor e = F.embedding(l(new long[] {1, 3, 1, 0}, 2, 2), w);
    e.sum().backward();
    assertArrayEquals(new double[] {1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1}, w.grad().toDoubleArray());
    Tensor w32 = Tensor.zeros(5, 40).requiresGrad(true);
    Tensor scale = Tensor.of(new float[] {1, 2, 3}, 3, 1);
    F.embedding(l(new long[] {2, 2, 4}), w32).mul(scale).sum().backward();
    float[] g = w32.grad().toFloatArray();
    assertEquals(3f, g[2 * 40 + 17]);
    assertEquals(3f, g[4 * 40 + 39]);
    assertEquals(0f, g[0]);
    assertNull(Tensor.zeros(2, 2).grad());
  }

  @Test
  void embeddingErrorsNameIndexPositionAndVocabulary() {
    Tensor w = Tensor.zeros(4, 3);
    assertMessage(
        () -> F.embedding(l(new long[] {1, 0, 2, 4}, 2, 2), w),
        "embedding",
        "index 4",
        "position [1, 1]",
        "[0, 4)",
        "[4, 3]");
    assertMessage(() -> F.embedding(l(new long[] {-1}), w), "embedding", "index -1");
    assertMessage(() -> F.embedding(Tensor.zeros(2), w), "embedding", "FLOAT32", "[2]");
    assertMessage(() -> F.embedding(l(new long[] {0}), Tensor.zeros(4)), "embedding", "2-D", "[4]");
  }

  // ------------------------------------------------------------------ oneHot

  @Test
  void oneHotEncodesClassesAsInt64() {
    Tensor o = l(new long[] {0, 2, 1}).oneHot(3);
    assertEquals(DType.INT64, o.dtype());
    assertShape(o, 3, 3);
    assertArrayEquals(new long[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, o.toLongArray());
    Tensor inferred = Tensor.of(new int[] {1, 0}, 2, 1).oneHot(-1);
    assertShape(inferred, 2, 1, 2);
    assertArrayEquals(new long[] {0, 1, 1, 0}, inferred.toLongArray());
    assertShape(l(new long[] {1}).oneHot(5), 1, 5);
  }

  @Test
  void oneHotRejectsBadValuesAndTypes() {
    assertMessage(() -> l(new long[] {0, -1}).oneHot(3), "oneHot", "-1", "negative", "[2]");
    assertMessage(
        () -> l(new long[] {0, 3}).oneHot(3), "oneHot", "class value 3", "numClasses = 3");
    assertMessage(() -> Tensor.zeros(2).oneHot(3), "oneHot", "FLOAT32", "[2]");
    assertMessage(() -> Tensor.zeros(DType.INT64, 0).oneHot(-1), "oneHot", "empty", "[0]");
    assertMessage(() -> l(new long[] {0}).oneHot(-2), "oneHot", "-2");
  }
}
