package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ReductionsTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  private static Tensor d(double[] v, long... shape) {
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

  /**
   * Checks the analytic gradient of {@code sum(f(x) * w)} (w fixed random weights) against central
   * finite differences in FLOAT64.
   */
  static void assertGradientMatchesFiniteDifferences(Function<Tensor, Tensor> f, Tensor x0) {
    GradCheck.check("f", in -> f.apply(in[0]), new Object[] {x0.to(DType.FLOAT64)});
  }

  // ------------------------------------------------------------------ max / min / argmax

  @Test
  void maxAndMinOfAllElementsAreZeroDim() {
    Tensor x = d(new double[] {1, 5, 3, 5, -2, 0}, 2, 3);
    assertShape(x.max());
    assertEquals(5, x.max().item());
    assertEquals(-2, x.min().item());
    Tensor i = Tensor.of(new int[] {3, 7, -1});
    assertEquals(DType.INT32, i.max().dtype());
    assertEquals(7, i.max().item());
    Tensor big = Tensor.of(new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE});
    assertEquals(Long.MAX_VALUE, big.max().toLongArray()[0]);
  }

  @Test
  void maxAllGradientIsSplitEvenlyAmongTies() {
    Tensor x = d(new double[] {1, 5, 3, 5, -2, 0}, 2, 3).requiresGrad(true);
    x.max().backward();
    assertArrayEquals(new double[] {0, 0.5, 0, 0.5, 0, 0}, x.grad().toDoubleArray());
    Tensor y = d(new double[] {-2, 4, -2, -2}).requiresGrad(true);
    y.min().mul(3.0).backward();
    assertArrayEquals(new double[] {1, 0, 1, 1}, y.grad().toDoubleArray());
  }

  @Test
  void maxAllPropagatesNaNAndSendsTheGradientToIt() {
    Tensor x = d(new double[] {1, NAN, 3}).requiresGrad(true);
    assertTrue(Double.isNaN(x.max().item()));
    assertTrue(Double.isNaN(x.min().item()));
    x.max().backward();
    assertArrayEquals(new double[] {0, 1, 0}, x.grad().toDoubleArray());
  }

  @Test
  void maxOfEmptyTensorFailsNamingOpAndShape() {
    assertMessage(() -> Tensor.zeros(0, 3).max(), "max", "[0, 3]");
    assertMessage(() -> Tensor.zeros(0).argmin(), "argmin", "[0]");
  }

  @Test
  void maxAlongDimPicksFirstOccurrenceOnTies() {
    Tensor x = d(new double[] {1, 5, 5, 7, 7, 2}, 2, 3);
    ValuesIndices mx = x.max(1, false);
    assertArrayEquals(new double[] {5, 7}, mx.values().toDoubleArray());
    assertArrayEquals(new long[] {1, 0}, mx.indices().toLongArray());
    assertEquals(DType.INT64, mx.indices().dtype());
    ValuesIndices mn = x.min(-1, false);
    assertArrayEquals(new double[] {1, 2}, mn.values().toDoubleArray());
    assertArrayEquals(new long[] {0, 2}, mn.indices().toLongArray());
    ValuesIndices col = x.max(0, false);
    assertArrayEquals(new double[] {7, 7, 5}, col.values().toDoubleArray());
    assertArrayEquals(new long[] {1, 1, 0}, col.indices().toLongArray());
  }

  @Test
  void maxAlongDimTreatsNaNAsTheExtreme() {
    Tensor x = d(new double[] {1, NAN, 3, NAN, 4, 2, 0, 9}, 2, 4);
    ValuesIndices mx = x.max(1, false);
    assertTrue(Double.isNaN(mx.values().toDoubleArray()[0]));
    assertArrayEquals(new long[] {1, 3}, mx.indices().toLongArray());
    ValuesIndices mn = x.min(1, false);
    assertTrue(Double.isNaN(mn.values().toDoubleArray()[0]));
    assertArrayEquals(new long[] {1, 2}, mn.indices().toLongArray());
    assertEquals(1, d(new double[] {1, NAN, 5, NAN}).argmax().item());
  }

  @Test
  void maxAlongDimKeepDimShapes() {
    Tensor x = Tensor.arange(0, 24, 1, DType.FLOAT64).reshape(2, 3, 4);
    assertShape(x.max(1, true).values(), 2, 1, 4);
    assertShape(x.max(1, true).indices(), 2, 1, 4);
    assertShape(x.max(-1, false).values(), 2, 3);
    assertShape(x.argmin(0, true), 1, 3, 4);
    Tensor s = Tensor.scalar(2.5, DType.FLOAT64);
    assertShape(s.max(0, true).values());
    assertEquals(0, s.max(-1, false).indices().item());
  }

  @Test
  void maxAlongDimGradientGoesToTheSelectedPositionOnly() {
    Tensor x = d(new double[] {1, 5, 5, 7, 7, 2}, 2, 3).requiresGrad(true);
    x.max(1, false).values().sum().backward();
    assertArrayEquals(new double[] {0, 1, 0, 1, 0, 0}, x.grad().toDoubleArray());
    Generator g = new Generator(1);
    Tensor r = Tensor.randn(g, 3, 4, 2).to(DType.FLOAT64);
    assertGradientMatchesFiniteDifferences(t -> t.min(-2, true).values(), r);
  }

  @Test
  void maxAlongDimErrorsNameOpAndShape() {
    assertMessage(() -> Tensor.zeros(2, 0).max(1, false), "max", "[2, 0]", "size 0");
    assertMessage(() -> Tensor.zeros(2, 3).min(2, false), "min", "dim 2");
  }

  @Test
  void argmaxAndArgminAreFlatIndices() {
    Tensor x = d(new double[] {1, 9, 3, 9, 0, 0}, 2, 3);
    assertEquals(1, x.argmax().item());
    assertEquals(4, x.argmin().item());
    assertEquals(DType.INT64, x.argmax().dtype());
    assertShape(x.argmax());
    assertArrayEquals(new long[] {1, 0, 0}, x.argmax(0, false).toLongArray());
    assertArrayEquals(new long[] {0, 1}, x.argmin(-1, false).toLongArray());
  }

  // ------------------------------------------------------------------ var / std

  @Test
  void varianceMatchesHandComputedValues() {
    Tensor x = d(new double[] {1, 2, 3, 4});
    assertEquals(5.0 / 3.0, x.var(true).item(), 1e-15);
    assertEquals(1.25, x.var(false).item(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3.0), x.std(true).item(), 1e-15);
    Tensor m = d(new double[] {1, 2, 3, 5}, 2, 2);
    assertArrayEquals(new double[] {2, 4.5}, m.var(new int[] {0}, true, false).toDoubleArray());
    assertArrayEquals(new double[] {0.25, 1}, m.var(new int[] {-1}, false, false).toDoubleArray());
    assertShape(m.var(new int[] {1}, true, true), 2, 1);
    assertShape(m.var(new int[] {0, 1}, true, false));
  }

  @Test
  void varianceOfFloat32IsAccurateForLargeOffsets() {
    Tensor x = Tensor.of(new float[] {10000.5f, 10001.5f, 10002.5f});
    assertEquals(1.0, x.var(true).item(), 0.0);
    assertEquals(DType.FLOAT32, x.var(true).dtype());
  }

  @Test
  void unbiasedVarianceOfOneElementIsNaNAsInPyTorch() {
    Tensor x = d(new double[] {3});
    assertTrue(Double.isNaN(x.var(true).item()));
    assertEquals(0.0, x.var(false).item());
  }

  @Test
  void varianceRejectsIntegerTensors() {
    assertMessage(() -> Tensor.of(new long[] {1, 2}).var(true), "var", "INT64");
    assertMessage(
        () -> Tensor.zeros(2, 3).var(new int[] {1, 1}, true, false), "var", "more than once");
  }

  @Test
  void varianceGradientMatchesFiniteDifferences() {
    Tensor x = Tensor.randn(new Generator(3), 3, 4).to(DType.FLOAT64);
    assertGradientMatchesFiniteDifferences(t -> t.var(new int[] {-1}, true, false), x);
    assertGradientMatchesFiniteDifferences(t -> t.var(new int[] {0}, false, true), x);
  }

  // ------------------------------------------------------------------ logSumExp

  @Test
  void logSumExpMatchesHandComputedValues() {
    Tensor x = d(new double[] {0, 0, 1, 1}, 2, 2);
    double v = Math.log(2);
    assertArrayEquals(new double[] {v, 1 + v}, x.logSumExp(1, false).toDoubleArray(), 1e-15);
    assertShape(x.logSumExp(-1, true), 2, 1);
    assertArrayEquals(
        new double[] {Math.log(Math.E + 1), Math.log(Math.E + 1)},
        x.logSumExp(0, false).toDoubleArray(),
        1e-15);
  }

  @Test
  void logSumExpIsFiniteForLogitsOfTenThousand() {
    Tensor x = Tensor.of(new float[] {1e4f, 1e4f, -1e4f, -1e4f, 1e4f, -1e4f}, 3, 2);
    Tensor r = x.logSumExp(1, false);
    assertTrue(r.isFinite());
    assertArrayEquals(
        new float[] {1e4f + (float) Math.log(2), -1e4f + (float) Math.log(2), 1e4f},
        r.toFloatArray(),
        1e-3f);
    Tensor xg = x.to(DType.FLOAT64).requiresGrad(true);
    xg.logSumExp(1, false).sum().backward();
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5, 1, 0}, xg.grad().toDoubleArray(), 1e-12);
  }

  @Test
  void logSumExpOfInfinitiesFollowsPyTorch() {
    Tensor x = d(new double[] {-INF, -INF, 1, INF, NAN, 0}, 3, 2).requiresGrad(true);
    double[] r = x.logSumExp(1, false).toDoubleArray();
    assertEquals(-INF, r[0]);
    assertEquals(INF, r[1]);
    assertTrue(Double.isNaN(r[2]));
    Tensor y = d(new double[] {-INF, -INF, 0, Math.log(3)}, 2, 2).requiresGrad(true);
    y.logSumExp(1, false).sum().backward();
    assertArrayEquals(new double[] {0, 0, 0.25, 0.75}, y.grad().toDoubleArray(), 1e-15);
  }

  @Test
  void logSumExpGradientIsSoftmax() {
    Tensor x = Tensor.randn(new Generator(5), 2, 3, 4).to(DType.FLOAT64);
    assertGradientMatchesFiniteDifferences(t -> t.logSumExp(1, false), x);
    assertMessage(() -> Tensor.of(new int[] {1, 2}).logSumExp(0, false), "logSumExp", "INT32");
  }

  // ------------------------------------------------------------------ norm

  @Test
  void normMatchesHandComputedValues() {
    Tensor x = d(new double[] {3, -4});
    assertEquals(5, x.norm().item(), 1e-15);
    assertEquals(7, x.norm(1, null, false).item(), 1e-15);
    assertEquals(4, x.norm(INF, null, false).item());
    assertEquals(3, x.norm(Double.NEGATIVE_INFINITY, null, false).item());
    assertEquals(2, d(new double[] {3, 0, 4}).norm(0, null, false).item());
    assertEquals(2.080083823051904, d(new double[] {1, 2}).norm(3, null, false).item(), 1e-15);
    Tensor m = d(new double[] {3, 4, 6, 8}, 2, 2);
    assertArrayEquals(new double[] {5, 10}, m.norm(2, new int[] {1}, false).toDoubleArray());
    assertShape(m.norm(2, new int[] {-1}, true), 2, 1);
    assertArrayEquals(new double[] {9, 12}, m.norm(1, new int[] {0}, false).toDoubleArray());
  }

  @Test
  void normGradientAtZeroIsZeroNotNaN() {
    Tensor x = Tensor.zeros(DType.FLOAT64, 3).requiresGrad(true);
    x.norm().backward();
    assertArrayEquals(new double[] {0, 0, 0}, x.grad().toDoubleArray());
    Tensor y = Tensor.zeros(DType.FLOAT64, 2).requiresGrad(true);
    y.norm(0.5, null, false).backward();
    assertArrayEquals(new double[] {0, 0}, y.grad().toDoubleArray());
  }

  @Test
  void normGradientsMatchClosedForms() {
    Tensor x = d(new double[] {3, 4}).requiresGrad(true);
    x.norm().backward();
    assertArrayEquals(new double[] {0.6, 0.8}, x.grad().toDoubleArray(), 1e-15);
    Tensor y = d(new double[] {-4, 4, 1}).requiresGrad(true);
    y.norm(INF, null, false).backward();
    assertArrayEquals(new double[] {-0.5, 0.5, 0}, y.grad().toDoubleArray());
    Tensor r = Tensor.randn(new Generator(11), 3, 4).to(DType.FLOAT64);
    assertGradientMatchesFiniteDifferences(t -> t.norm(3, new int[] {1}, false), r);
    assertGradientMatchesFiniteDifferences(t -> t.norm(1.5, new int[] {0}, true), r);
  }

  @Test
  void normRejectsIntegerTensorsAndNaNOrder() {
    assertMessage(() -> Tensor.of(new int[] {3, 4}).norm(), "norm", "INT32");
    assertMessage(() -> Tensor.zeros(2).norm(NAN, null, false), "norm", "NaN", "[2]");
  }

  // ------------------------------------------------------------------ cumsum

  @Test
  void cumsumAccumulatesAlongDim() {
    assertArrayEquals(
        new double[] {1, 3, 6, 10}, d(new double[] {1, 2, 3, 4}).cumsum(0).toDoubleArray());
    Tensor m = d(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, m.cumsum(-1).toDoubleArray());
    assertArrayEquals(new double[] {1, 2, 3, 5, 7, 9}, m.cumsum(0).toDoubleArray());
    assertShape(m.cumsum(1), 2, 3);
  }

  @Test
  void cumsumOfIntegersAndBooleansIsInt64() {
    Tensor i = Tensor.of(new int[] {1, 2, 3}).cumsum(0);
    assertEquals(DType.INT64, i.dtype());
    assertArrayEquals(new long[] {1, 3, 6}, i.toLongArray());
    Tensor b = Tensor.of(new boolean[] {true, false, true}).cumsum(0);
    assertEquals(DType.INT64, b.dtype());
    assertArrayEquals(new long[] {1, 1, 2}, b.toLongArray());
    assertEquals(DType.FLOAT32, Tensor.zeros(3).cumsum(0).dtype());
  }

  @Test
  void cumsumGradientIsReversedCumsum() {
    Tensor x = d(new double[] {1, 2, 3}).requiresGrad(true);
    x.cumsum(0).mul(d(new double[] {1, 10, 100})).sum().backward();
    assertArrayEquals(new double[] {111, 110, 100}, x.grad().toDoubleArray());
    assertGradientMatchesFiniteDifferences(
        t -> t.cumsum(1), Tensor.randn(new Generator(2), 2, 3, 2).to(DType.FLOAT64));
    assertMessage(() -> Tensor.zeros(2).cumsum(1), "cumsum", "dim 1");
  }

  // ------------------------------------------------------------------ sort

  @Test
  void sortIsStable() {
    Tensor x = d(new double[] {3, 1, 2, 1});
    ValuesIndices up = x.sort(0, false);
    assertArrayEquals(new double[] {1, 1, 2, 3}, up.values().toDoubleArray());
    assertArrayEquals(new long[] {1, 3, 2, 0}, up.indices().toLongArray());
    ValuesIndices down = x.sort(0, true);
    assertArrayEquals(new double[] {3, 2, 1, 1}, down.values().toDoubleArray());
    assertArrayEquals(new long[] {0, 2, 1, 3}, down.indices().toLongArray());
    assertArrayEquals(
        new long[] {0, 1}, d(new double[] {0.0, -0.0}).sort(0, false).indices().toLongArray());
  }

  @Test
  void sortOfLongRowsWithManyTiesMatchesAStableReference() {
    Generator g = new Generator(4);
    int n = 1000;
    Tensor x = Tensor.randint(g, 0, 10, 2, n);
    long[] v = x.toLongArray();
    for (boolean desc : new boolean[] {false, true}) {
      ValuesIndices s = x.sort(-1, desc);
      long[] idx = s.indices().toLongArray();
      for (int row = 0; row < 2; row++) {
        int r = row;
        Integer[] ref = new Integer[n];
        for (int k = 0; k < n; k++) {
          ref[k] = k;
        }
        Comparator<Integer> c = Comparator.comparingLong(k -> v[r * n + k]);
        Arrays.sort(ref, desc ? c.reversed() : c);
        for (int k = 0; k < n; k++) {
          assertEquals((long) ref[k], idx[row * n + k], "row " + row + " position " + k);
        }
      }
    }
  }

  @Test
  void sortPutsNaNLastAscendingAndFirstDescending() {
    Tensor x = d(new double[] {2, NAN, 1});
    ValuesIndices up = x.sort(0, false);
    assertArrayEquals(new long[] {2, 0, 1}, up.indices().toLongArray());
    assertTrue(Double.isNaN(up.values().toDoubleArray()[2]));
    ValuesIndices down = x.sort(-1, true);
    assertArrayEquals(new long[] {1, 0, 2}, down.indices().toLongArray());
  }

  @Test
  void sortAlongLeadingDimAndExactLongs() {
    Tensor m = d(new double[] {5, 0, 1, 7, 3, 2}, 3, 2);
    ValuesIndices s = m.sort(0, false);
    assertArrayEquals(new double[] {1, 0, 3, 2, 5, 7}, s.values().toDoubleArray());
    assertArrayEquals(new long[] {1, 0, 2, 2, 0, 1}, s.indices().toLongArray());
    Tensor big = Tensor.of(new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1});
    assertArrayEquals(new long[] {1, 0}, big.argsort(0, false).toLongArray());
  }

  @Test
  void sortGradientScattersThroughThePermutation() {
    Tensor x = d(new double[] {3, 1, 2}).requiresGrad(true);
    x.sort(0, false).values().mul(d(new double[] {1, 10, 100})).sum().backward();
    assertArrayEquals(new double[] {100, 1, 10}, x.grad().toDoubleArray());
  }

  // ------------------------------------------------------------------ topk

  @Test
  void topkReturnsLargestOrSmallestPreferringLowerIndexOnTies() {
    Tensor x = d(new double[] {1, 3, 3, 2, 5});
    ValuesIndices t = x.topk(3);
    assertArrayEquals(new double[] {5, 3, 3}, t.values().toDoubleArray());
    assertArrayEquals(new long[] {4, 1, 2}, t.indices().toLongArray());
    ValuesIndices s = x.topk(2, 0, false, true);
    assertArrayEquals(new double[] {1, 2}, s.values().toDoubleArray());
    assertArrayEquals(new long[] {0, 3}, s.indices().toLongArray());
    assertArrayEquals(
        new long[] {0, 1}, d(new double[] {2, 2, 2, 2}).topk(2).indices().toLongArray());
    ValuesIndices n = d(new double[] {1, NAN, 3}).topk(1);
    assertArrayEquals(new long[] {1}, n.indices().toLongArray());
  }

  @Test
  void topkOfFewAmongManyAgreesWithSort() {
    Tensor x = Tensor.randint(new Generator(9), 0, 20, 3, 200).to(DType.FLOAT32);
    for (boolean largest : new boolean[] {true, false}) {
      ValuesIndices t = x.topk(5, 1, largest, true);
      ValuesIndices s = x.sort(1, largest);
      assertShape(t.indices(), 3, 5);
      assertArrayEquals(
          s.indices().narrow(1, 0, 5).toLongArray(),
          t.indices().toLongArray(),
          "largest=" + largest);
      assertArrayEquals(s.values().narrow(1, 0, 5).toFloatArray(), t.values().toFloatArray());
    }
  }

  @Test
  void topkAlongDimShapesAndGradient() {
    Tensor m = d(new double[] {1, 6, 2, 5, 3, 4}, 3, 2).requiresGrad(true);
    ValuesIndices t = m.topk(2, 0, true, false);
    assertShape(t.values(), 2, 2);
    assertArrayEquals(new long[] {2, 0, 1, 1}, t.indices().toLongArray());
    t.values().sum().backward();
    assertArrayEquals(new double[] {0, 1, 1, 1, 1, 0}, m.grad().toDoubleArray());
    assertShape(d(new double[] {1, 2}).topk(0).values(), 0);
  }

  @Test
  void topkRejectsKOutsideTheDim() {
    Tensor x = Tensor.zeros(2, 3);
    assertMessage(() -> x.topk(4), "topk", "k = 4", "[2, 3]");
    assertMessage(() -> x.topk(-1, 0, true, true), "topk", "k = -1", "[2, 3]");
  }
}
