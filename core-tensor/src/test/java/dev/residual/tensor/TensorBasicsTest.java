package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Tensor fundamentals: creation, type promotion, broadcasting, comparisons, selection, the values
 * of the shape ops, casts, element access and sharing memory with ND4J.
 */
class TensorBasicsTest {

  /** {@code [0, 1, …, n-1]} as FLOAT64 in the given shape. */
  private static Tensor range(long... shape) {
    int n = 1;
    for (long s : shape) {
      n *= (int) s;
    }
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = k;
    }
    return Tensor.of(v).reshape(shape);
  }

  private static void assertValues(double[] expected, Tensor t) {
    assertArrayEquals(expected, t.toDoubleArray(), 1e-12, () -> "got " + t);
  }

  private static void assertMessageContains(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
    }
  }

  // ------------------------------------------------------------------ creation

  @Test
  void ofCopiesTheDataInTheGivenShapeForEveryType() {
    float[] data = {1, 2, 3, 4, 5, 6};
    Tensor f = Tensor.of(data, 2, 3);
    data[0] = 100;
    assertEquals(DType.FLOAT32, f.dtype());
    assertArrayEquals(new long[] {2, 3}, f.shape());
    assertEquals(1.0, f.get(0, 0));
    assertEquals(6.0, f.get(-1, -1));
    assertEquals(DType.FLOAT64, Tensor.of(new double[] {1, 2}).dtype());
    assertArrayEquals(new long[] {2}, Tensor.of(new double[] {1, 2}).shape());
    assertEquals(DType.INT32, Tensor.of(new int[] {1}).dtype());
    assertEquals(DType.INT64, Tensor.of(new long[] {1}).dtype());
    Tensor b = Tensor.of(new boolean[] {true, false}, 2, 1);
    assertEquals(DType.BOOL, b.dtype());
    assertArrayEquals(new boolean[] {true, false}, b.toBooleanArray());
  }

  @Test
  void ofWithAShapeThatDoesNotFitTheDataThrows() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    assertMessageContains(e, "of", "[2, 3]", "5");
  }

  @Test
  void scalarIsZeroDimensional() {
    Tensor s = Tensor.scalar(2.5);
    assertEquals(0, s.dim());
    assertEquals(1, s.numel());
    assertArrayEquals(new long[0], s.shape());
    assertEquals(DType.FLOAT32, s.dtype());
    assertEquals(2.5, s.item());
    assertEquals(DType.INT64, Tensor.scalar(3, DType.INT64).dtype());
  }

  @Test
  void zerosOnesFullAndLikes() {
    Tensor z = Tensor.zeros(2, 3);
    assertEquals(DType.FLOAT32, z.dtype());
    assertValues(new double[6], z);
    assertEquals(DType.INT64, Tensor.zeros(DType.INT64, 2).dtype());
    assertValues(new double[] {1, 1}, Tensor.ones(2));
    assertEquals(DType.FLOAT64, Tensor.ones(DType.FLOAT64, 1).dtype());
    assertValues(new double[] {7, 7, 7, 7}, Tensor.full(7.0, 2, 2));
    Tensor fi = Tensor.full(3, DType.INT32, 3);
    assertEquals(DType.INT32, fi.dtype());
    assertArrayEquals(new long[] {3, 3, 3}, fi.toLongArray());
    Tensor src = Tensor.of(new long[] {5, 6, 7}, 3, 1);
    assertEquals(DType.INT64, Tensor.zerosLike(src).dtype());
    assertArrayEquals(new long[] {3, 1}, Tensor.onesLike(src).shape());
    assertArrayEquals(new long[] {1, 1, 1}, Tensor.onesLike(src).toLongArray());
  }

  @Test
  void negativeSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
  }

  @Test
  void arangeCountsUpToButExcludingTheEnd() {
    Tensor a = Tensor.arange(5);
    assertEquals(DType.INT64, a.dtype());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, a.toLongArray());
    Tensor f = Tensor.arange(0, 1, 0.25);
    assertEquals(DType.FLOAT32, f.dtype());
    assertValues(new double[] {0, 0.25, 0.5, 0.75}, f);
    assertArrayEquals(new long[] {5, 3, 1}, Tensor.arange(5, 0, -2, DType.INT64).toLongArray());
    assertEquals(4, Tensor.arange(1, 2, 0.3, DType.FLOAT64).numel());
    assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0, DType.FLOAT64));
    assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, -1, DType.FLOAT64));
  }

  @Test
  void linspaceIncludesBothEnds() {
    Tensor l = Tensor.linspace(0, 1, 5);
    assertEquals(DType.FLOAT32, l.dtype());
    assertValues(new double[] {0, 0.25, 0.5, 0.75, 1}, l);
    assertEquals(1.0, Tensor.linspace(-3, 1, 7).toDoubleArray()[6]);
    assertValues(new double[] {-1}, Tensor.linspace(-1, 1, 1));
    assertEquals(0, Tensor.linspace(0, 1, 0).numel());
    assertThrows(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1));
  }

  @Test
  void eyeHasOnesOnTheDiagonal() {
    assertValues(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3));
    Tensor r = Tensor.eye(2, 3);
    assertArrayEquals(new long[] {2, 3}, r.shape());
    assertValues(new double[] {1, 0, 0, 0, 1, 0}, r);
  }

  @Test
  void randomCreationIsDeterministicForASeed() {
    assertArrayEquals(
        Tensor.rand(new Generator(42), 3, 4).toFloatArray(),
        Tensor.rand(new Generator(42), 3, 4).toFloatArray());
    assertArrayEquals(
        Tensor.randn(new Generator(42), 5).toFloatArray(),
        Tensor.randn(new Generator(42), 5).toFloatArray());
    assertArrayEquals(
        Tensor.randint(new Generator(42), 0, 10, 6).toLongArray(),
        Tensor.randint(new Generator(42), 0, 10, 6).toLongArray());
    assertFalse(
        Arrays.equals(
            Tensor.rand(new Generator(1), 8).toFloatArray(),
            Tensor.rand(new Generator(2), 8).toFloatArray()));
    Generator g = new Generator(7);
    float[] first = Tensor.randn(g, 4).toFloatArray();
    assertFalse(Arrays.equals(first, Tensor.randn(g, 4).toFloatArray()), "the stream advances");
    g.manualSeed(7);
    assertArrayEquals(first, Tensor.randn(g, 4).toFloatArray(), "manualSeed restarts it");
  }

  @Test
  void randomValuesLieInTheirRanges() {
    Generator g = new Generator(3);
    for (float v : Tensor.rand(g, 1000).toFloatArray()) {
      assertTrue(v >= 0 && v < 1, "rand value " + v);
    }
    Tensor ri = Tensor.randint(g, 3, 7, 1000);
    assertEquals(DType.INT64, ri.dtype());
    boolean[] seen = new boolean[4];
    for (long v : ri.toLongArray()) {
      assertTrue(v >= 3 && v < 7, "randint value " + v);
      seen[(int) (v - 3)] = true;
    }
    assertArrayEquals(new boolean[] {true, true, true, true}, seen);
    double mean = Tensor.randn(g, 10000).to(DType.FLOAT64).mean().item();
    assertEquals(0.0, mean, 0.05);
    assertThrows(IllegalArgumentException.class, () -> Tensor.randint(g, 5, 5, 2));
  }

  // ------------------------------------------------------------------ promotion, broadcasting

  @Test
  void mixedTypeArithmeticFollowsPyTorchPromotion() {
    Tensor i32 = Tensor.of(new int[] {1, 2});
    Tensor i64 = Tensor.of(new long[] {3, 4});
    Tensor f32 = Tensor.of(new float[] {0.5f, 1.5f});
    Tensor f64 = Tensor.of(new double[] {0.25, 0.75});
    assertEquals(DType.INT64, i32.add(i64).dtype());
    assertEquals(DType.INT64, i64.add(i32).dtype(), "the order of the operands does not matter");
    assertArrayEquals(new long[] {4, 6}, i32.add(i64).toLongArray());
    assertEquals(DType.FLOAT32, i64.add(f32).dtype());
    assertValues(new double[] {3.5, 5.5}, i64.add(f32));
    assertEquals(DType.FLOAT64, f32.add(f64).dtype());
    assertEquals(DType.FLOAT64, f64.mul(i32).dtype());
  }

  @Test
  void scalarOperandsFollowPyTorchPromotion() {
    Tensor i32 = Tensor.of(new int[] {1, 2});
    Tensor plusFraction = i32.add(2.5);
    assertEquals(DType.FLOAT32, plusFraction.dtype());
    assertValues(new double[] {3.5, 4.5}, plusFraction);
    Tensor plusWhole = i32.add(2);
    assertEquals(DType.INT32, plusWhole.dtype());
    assertArrayEquals(new long[] {3, 4}, plusWhole.toLongArray());
    assertEquals(DType.FLOAT64, Tensor.of(new double[] {1}).mul(3).dtype());
    assertEquals(DType.FLOAT32, Tensor.of(new float[] {1}).mul(3.5).dtype());
  }

  @Test
  void integerDivisionIsTrueDivision() {
    Tensor a = Tensor.of(new long[] {7, -7});
    Tensor b = Tensor.of(new long[] {2, 2});
    Tensor q = a.div(b);
    assertEquals(DType.FLOAT32, q.dtype());
    assertValues(new double[] {3.5, -3.5}, q);
    assertEquals(DType.FLOAT32, a.div(2).dtype());
    assertValues(new double[] {3.5, -3.5}, a.div(2));
  }

  @Test
  void broadcastingFollowsNumPyRules() {
    Tensor a = range(4, 1, 3);
    Tensor b = Tensor.of(new double[] {10, 20}, 2, 1);
    Tensor c = a.add(b);
    assertArrayEquals(new long[] {4, 2, 3}, c.shape());
    assertEquals(a.get(2, 0, 1) + b.get(1, 0), c.get(2, 1, 1));
    assertEquals(a.get(3, 0, 2) + b.get(0, 0), c.get(3, 0, 2));
    assertArrayEquals(new long[] {3}, range(3).add(Tensor.scalar(1, DType.FLOAT64)).shape());
    assertArrayEquals(new long[] {2, 3}, range(2, 1).mul(range(1, 3)).shape());
  }

  @Test
  void incompatibleShapesNameTheOpAndBothShapes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> range(2, 3).add(range(4)));
    assertMessageContains(e, "add", "[2, 3]", "[4]");
    e = assertThrows(IllegalArgumentException.class, () -> range(2, 3).mul(range(3, 2)));
    assertMessageContains(e, "mul", "[2, 3]", "[3, 2]");
  }

  // ------------------------------------------------------------------ comparisons, selection

  @Test
  void comparisonsReturnBool() {
    Tensor a = Tensor.of(new double[] {1, 2, 3});
    Tensor b = Tensor.of(new double[] {3, 2, 1});
    assertEquals(DType.BOOL, a.eq(b).dtype());
    assertArrayEquals(new boolean[] {false, true, false}, a.eq(b).toBooleanArray());
    assertArrayEquals(new boolean[] {true, false, true}, a.ne(b).toBooleanArray());
    assertArrayEquals(new boolean[] {true, false, false}, a.lt(b).toBooleanArray());
    assertArrayEquals(new boolean[] {true, true, false}, a.le(b).toBooleanArray());
    assertArrayEquals(new boolean[] {false, false, true}, a.gt(b).toBooleanArray());
    assertArrayEquals(new boolean[] {false, true, true}, a.ge(b).toBooleanArray());
    assertArrayEquals(new boolean[] {false, true, true}, a.gt(1.5).toBooleanArray());
    assertArrayEquals(new boolean[] {false, true, false}, a.eq(2).toBooleanArray());
    assertEquals(DType.BOOL, a.le(2.0).dtype());
  }

  @Test
  void comparisonsPromoteAndBroadcast() {
    Tensor ints = Tensor.of(new long[] {1, 2}, 2, 1);
    Tensor floats = Tensor.of(new double[] {1.5, 0.5, 2.0});
    Tensor lt = ints.lt(floats);
    assertArrayEquals(new long[] {2, 3}, lt.shape());
    assertArrayEquals(new boolean[] {true, false, true, false, false, false}, lt.toBooleanArray());
    Tensor nan = Tensor.of(new double[] {Double.NaN});
    assertFalse(nan.eq(nan).toBooleanArray()[0]);
    assertTrue(nan.ne(nan).toBooleanArray()[0]);
  }

  @Test
  void logicalNotFlipsABoolTensor() {
    Tensor m = Tensor.of(new boolean[] {true, false}, 2);
    assertArrayEquals(new boolean[] {false, true}, m.logicalNot().toBooleanArray());
  }

  @Test
  void whereSelectsAndBroadcasts() {
    Tensor cond = Tensor.of(new boolean[] {true, false, true}, 3);
    Tensor a = Tensor.of(new double[] {1, 2}, 2, 1);
    Tensor b = Tensor.scalar(-1, DType.FLOAT64);
    Tensor w = Tensor.where(cond, a, b);
    assertArrayEquals(new long[] {2, 3}, w.shape());
    assertValues(new double[] {1, -1, 1, 2, -1, 2}, w);
    Tensor mixed = Tensor.where(cond, Tensor.of(new long[] {1, 2, 3}), Tensor.zeros(3));
    assertEquals(DType.FLOAT32, mixed.dtype());
    assertValues(new double[] {1, 0, 3}, mixed);
  }

  @Test
  void whereWithANonBoolConditionThrows() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.where(Tensor.of(new long[] {1, 0}), range(2), range(2)));
    assertMessageContains(e, "where", "BOOL");
  }

  @Test
  void maskedFillWritesTheValueWhereTheMaskHolds() {
    Tensor x = range(2, 3);
    Tensor mask = Tensor.of(new boolean[] {false, true, false}, 3);
    assertValues(new double[] {0, -9, 2, 3, -9, 5}, x.maskedFill(mask, -9));
    assertValues(new double[] {0, 1, 2, 3, 4, 5}, x);
    Tensor neg =
        x.maskedFill(Tensor.of(new boolean[] {true, false}, 2, 1), Double.NEGATIVE_INFINITY);
    assertEquals(Double.NEGATIVE_INFINITY, neg.get(0, 2));
    assertEquals(4.0, neg.get(1, 1));
  }

  @Test
  void maskedFillRejectsBadMasks() {
    Tensor x = range(3);
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class, () -> x.maskedFill(Tensor.of(new long[] {1, 0, 1}), 0)),
        "maskedFill",
        "BOOL");
    assertMessageContains(
        assertThrows(
            IllegalArgumentException.class,
            () ->
                x.maskedFill(
                    Tensor.of(new boolean[] {true, false, true, true, false, true}, 2, 3), 0)),
        "maskedFill",
        "[2, 3]",
        "[3]");
  }

  @Test
  void clampLimitsValues() {
    Tensor x = Tensor.of(new double[] {-2, -0.5, 0.5, 2});
    assertValues(new double[] {-1, -0.5, 0.5, 1}, x.clamp(-1, 1));
    assertValues(new double[] {0, 0, 0.5, 2}, x.clamp(0, Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> x.clamp(1, -1));
  }

  @Test
  void maximumAndMinimumAreElementwise() {
    Tensor a = Tensor.of(new double[] {1, 5, 3});
    Tensor b = Tensor.of(new double[] {4, 2, 3});
    assertValues(new double[] {4, 5, 3}, a.maximum(b));
    assertValues(new double[] {1, 2, 3}, a.minimum(b));
  }

  // ------------------------------------------------------------------ shape ops

  @Test
  void reshapeInfersOneDimAndSharesMemory() {
    Tensor x = range(2, 3);
    Tensor y = x.reshape(3, -1);
    assertArrayEquals(new long[] {3, 2}, y.shape());
    y.addi(1.0);
    assertEquals(1.0, x.get(0, 0), "reshape shares memory with its source");
    assertArrayEquals(new long[] {6}, x.view(-1).shape());
    assertSame(x, x.contiguous());
  }

  @Test
  void reshapeToAnIncompatibleShapeThrows() {
    Tensor x = range(2, 3);
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1)),
        "reshape",
        "[4, -1]",
        "[2, 3]");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1)), "reshape");
    assertThrows(IllegalArgumentException.class, () -> x.reshape(5));
  }

  @Test
  void permuteReordersDimsAndCopies() {
    Tensor x = range(2, 3, 4);
    Tensor y = x.permute(2, 0, 1);
    assertArrayEquals(new long[] {4, 2, 3}, y.shape());
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          assertEquals(x.get(i, j, k), y.get(k, i, j));
        }
      }
    }
    assertArrayEquals(y.toDoubleArray(), x.permute(-1, 0, -2).toDoubleArray());
    y.addi(100.0);
    assertEquals(0.0, x.get(0, 0, 0), "permute returns a copy");
  }

  @Test
  void permuteRejectsBadPermutations() {
    Tensor x = range(2, 3);
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0)), "permute");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.permute(0)), "permute", "[2, 3]");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 2)), "permute", "dim 2");
  }

  @Test
  void transposeAndTSwapDims() {
    Tensor x = range(2, 3, 4);
    Tensor y = x.transpose(0, -1);
    assertArrayEquals(new long[] {4, 3, 2}, y.shape());
    assertEquals(x.get(1, 2, 3), y.get(3, 2, 1));
    Tensor m = range(2, 3);
    assertValues(new double[] {0, 3, 1, 4, 2, 5}, m.t());
    Tensor v = range(3);
    assertSame(v, v.t());
    assertMessageContains(assertThrows(IllegalArgumentException.class, x::t), "t", "[2, 3, 4]");
  }

  @Test
  void unsqueezeSqueezeAndFlattenReshape() {
    Tensor x = range(2, 3);
    assertArrayEquals(new long[] {1, 2, 3}, x.unsqueeze(0).shape());
    assertArrayEquals(new long[] {2, 3, 1}, x.unsqueeze(-1).shape());
    assertArrayEquals(new long[] {2, 1, 3}, x.unsqueeze(1).shape());
    Tensor y = range(2, 1, 3, 1);
    assertArrayEquals(new long[] {2, 3}, y.squeeze().shape());
    assertArrayEquals(new long[] {2, 3, 1}, y.squeeze(1).shape());
    assertArrayEquals(new long[] {2, 1, 3, 1}, y.squeeze(0).shape(), "size != 1: unchanged");
    assertArrayEquals(new long[] {6}, y.flatten().shape());
    Tensor z = range(2, 3, 4);
    assertArrayEquals(new long[] {2, 12}, z.flatten(1, -1).shape());
    assertArrayEquals(new long[] {6, 4}, z.flatten(0, 1).shape());
    assertThrows(IllegalArgumentException.class, () -> z.flatten(2, 1));
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> z.unsqueeze(4)), "unsqueeze");
  }

  @Test
  void expandAndRepeatTile() {
    Tensor x = Tensor.of(new double[] {1, 2}, 2, 1);
    Tensor e = x.expand(2, 2, 3);
    assertArrayEquals(new long[] {2, 2, 3}, e.shape());
    assertValues(new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, e);
    assertArrayEquals(new long[] {2, 4}, x.expand(-1, 4).shape());
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.expand(3, 3)),
        "expand",
        "[2, 1]",
        "[3, 3]");
    Tensor r = Tensor.of(new double[] {1, 2}).repeat(2, 2);
    assertArrayEquals(new long[] {2, 4}, r.shape());
    assertValues(new double[] {1, 2, 1, 2, 1, 2, 1, 2}, r);
    assertValues(new double[] {0, 1, 0, 1, 2, 3, 2, 3}, range(2, 2).repeat(1, 2).reshape(8));
    assertThrows(IllegalArgumentException.class, () -> range(2, 2).repeat(2));
  }

  @Test
  void narrowSliceAndSelect() {
    Tensor x = range(2, 4);
    assertValues(new double[] {1, 2, 5, 6}, x.narrow(1, 1, 2));
    assertValues(new double[] {4, 5, 6, 7}, x.narrow(0, 1, 1));
    Tensor y = range(2, 5);
    assertValues(new double[] {0, 2, 4, 5, 7, 9}, y.slice(1, 0, 5, 2));
    assertValues(new double[] {2, 3, 7, 8}, y.slice(-1, -3, -1, 1));
    assertArrayEquals(new long[] {2, 0}, y.slice(1, 3, 1, 1).shape(), "start > end: empty");
    assertValues(new double[] {2, 3, 8, 9, 14, 15}, range(8, 2).slice(0, 1, 100, 3));
    assertValues(new double[] {4, 5, 6, 7}, x.select(0, -1));
    assertValues(new double[] {2, 6}, x.select(1, -2));
    assertArrayEquals(new long[] {2}, x.select(1, 0).shape());
  }

  @Test
  void sliceAndSelectRejectBadArguments() {
    Tensor x = range(2, 4);
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.slice(1, 0, 4, 0)), "slice", "step");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.select(0, 2)),
        "select",
        "index 2",
        "[2, 4]");
    assertThrows(IllegalArgumentException.class, () -> x.select(0, -3));
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.narrow(2, 0, 1)), "slice", "dim 2");
  }

  @Test
  void catJoinsAlongAnExistingDim() {
    Tensor a = range(2, 2);
    Tensor b = Tensor.of(new double[] {9, 8}, 2, 1);
    assertValues(new double[] {0, 1, 9, 2, 3, 8}, Tensor.cat(-1, a, b));
    Tensor rows = Tensor.cat(List.of(a, a), 0);
    assertArrayEquals(new long[] {4, 2}, rows.shape());
    Tensor promoted = Tensor.cat(0, Tensor.of(new long[] {1}), Tensor.of(new float[] {2.5f}));
    assertEquals(DType.FLOAT32, promoted.dtype());
    assertValues(new double[] {1, 2.5}, promoted);
  }

  @Test
  void catOfMismatchedShapesNamesEveryShape() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, range(2, 2), range(2, 3)));
    assertMessageContains(e, "cat", "[2, 2]", "[2, 3]");
    assertThrows(IllegalArgumentException.class, () -> Tensor.cat(List.of(), 0));
  }

  @Test
  void stackAddsANewDim() {
    Tensor a = range(2, 3);
    Tensor b = a.add(10.0);
    Tensor s = Tensor.stack(1, a, b);
    assertArrayEquals(new long[] {2, 2, 3}, s.shape());
    assertEquals(a.get(1, 2), s.get(1, 0, 2));
    assertEquals(b.get(1, 2), s.get(1, 1, 2));
    assertArrayEquals(new long[] {2, 3, 2}, Tensor.stack(List.of(a, b), -1).shape());
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, a, range(3, 2))),
        "stack",
        "[2, 3]",
        "[3, 2]");
  }

  @Test
  void splitAndChunkCutAlongADim() {
    Tensor x = range(2, 5);
    List<Tensor> parts = x.split(2, 1);
    assertEquals(3, parts.size());
    assertArrayEquals(new long[] {2, 1}, parts.get(2).shape());
    assertValues(new double[] {2, 3, 7, 8}, parts.get(1));
    List<Tensor> sized = x.split(new long[] {1, 4}, -1);
    assertValues(new double[] {0, 5}, sized.get(0));
    assertArrayEquals(new long[] {2, 4}, sized.get(1).shape());
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> x.split(new long[] {1, 2}, 1)),
        "split",
        "[1, 2]",
        "[2, 5]");
    assertThrows(IllegalArgumentException.class, () -> x.split(0, 1));

    List<Tensor> chunks = range(7, 2).chunk(3, 0);
    assertEquals(3, chunks.size());
    assertArrayEquals(new long[] {3, 2}, chunks.get(0).shape());
    assertArrayEquals(new long[] {1, 2}, chunks.get(2).shape());
    assertEquals(3, range(6).chunk(4, 0).size(), "PyTorch: chunk size ceil(6/4) = 2 -> 3 pieces");
    assertThrows(IllegalArgumentException.class, () -> range(6).chunk(0, 0));
  }

  @Test
  void trilAndTriuKeepTheirTriangleForEveryDiagonal() {
    Tensor x = range(3, 4).add(1.0);
    for (long diag = -2; diag <= 2; diag++) {
      double[] lower = x.tril(diag).toDoubleArray();
      double[] upper = x.triu(diag).toDoubleArray();
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          double v = x.get(r, c);
          assertEquals(c - r <= diag ? v : 0, lower[r * 4 + c], "tril(" + diag + ")");
          assertEquals(c - r >= diag ? v : 0, upper[r * 4 + c], "triu(" + diag + ")");
        }
      }
    }
    assertValues(new double[] {1, 0, 3, 4, 5, 0, 7, 8}, range(2, 2, 2).add(1.0).tril());
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> range(3).triu()), "triu", "[3]");
  }

  @Test
  void dimOutOfRangeNamesTheOpAndTheValidRange() {
    Tensor x = range(2, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.sum(2));
    assertMessageContains(e, "sum", "dim 2", "[-2, 1]");
    assertThrows(IllegalArgumentException.class, () -> x.transpose(0, -3));
    assertThrows(IllegalArgumentException.class, () -> x.size(5));
    assertEquals(3, x.size(-1));
  }

  @Test
  void sumAndMeanValues() {
    Tensor x = range(2, 3);
    assertEquals(15.0, x.sum().item());
    assertValues(new double[] {3, 5, 7}, x.sum(0));
    assertArrayEquals(new long[] {2, 1}, x.sum(1, true).shape());
    assertValues(new double[] {1, 4}, x.mean(-1));
    assertEquals(2.5, x.mean().item());
    Tensor ints = Tensor.of(new int[] {1, 2, 3});
    assertEquals(DType.INT64, ints.sum().dtype(), "integer sums are INT64, as PyTorch");
    assertEquals(6, ints.sum().toLongArray()[0]);
    assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {0, -2}, false));
  }

  @Test
  void integerMatmulStaysInteger() {
    Tensor a = Tensor.of(new long[] {1, 2, 3, 4}, 2, 2);
    Tensor p = a.matmul(a);
    assertEquals(DType.INT64, p.dtype());
    assertArrayEquals(new long[] {7, 10, 15, 22}, p.toLongArray());
    assertEquals(DType.FLOAT32, a.matmul(Tensor.eye(2)).dtype());
  }

  @Test
  void matmulOfVectorsAndBatchesHasPyTorchShapes() {
    assertArrayEquals(new long[0], range(3).matmul(range(3)).shape());
    assertEquals(5.0, range(3).matmul(range(3)).item());
    assertArrayEquals(new long[] {4}, range(3).matmul(range(3, 4)).shape());
    assertArrayEquals(new long[] {2}, range(2, 3).matmul(range(3)).shape());
    assertArrayEquals(new long[] {2, 5, 3, 2}, range(2, 1, 3, 4).matmul(range(5, 4, 2)).shape());
    assertArrayEquals(new long[] {2, 4}, range(2, 3).matmul(range(3, 4)).shape());
  }

  @Test
  void inPlaceOpsBroadcastTheirOperand() {
    Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3);
    t.copy_(Tensor.of(new double[] {1, 2, 3}));
    assertValues(new double[] {1, 2, 3, 1, 2, 3}, t);
    t.addi(Tensor.of(new double[] {10, 20}, 2, 1));
    assertValues(new double[] {11, 12, 13, 21, 22, 23}, t);
    t.muli(2.0).subi(1.0).divi(Tensor.full(2.0, DType.FLOAT64, 3));
    assertValues(new double[] {10.5, 11.5, 12.5, 20.5, 21.5, 22.5}, t);
    t.zero_();
    assertValues(new double[6], t);
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> t.addi(Tensor.zeros(4, 3))),
        "add_",
        "[4, 3]",
        "[2, 3]");
    assertMessageContains(
        assertThrows(IllegalArgumentException.class, () -> t.copy_(Tensor.zeros(3, 3))),
        "copy_",
        "[3, 3]",
        "[2, 3]");
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new long[] {3}).divi(2.0));
  }

  // ------------------------------------------------------------------ casts and element access

  @Test
  void toConvertsBetweenTypes() {
    Tensor f = Tensor.of(new float[] {2.7f, -2.7f, 0f});
    Tensor l = f.to(DType.INT64);
    assertEquals(DType.INT64, l.dtype());
    assertArrayEquals(new long[] {2, -2, 0}, l.toLongArray(), "truncation toward zero");
    assertArrayEquals(new boolean[] {true, true, false}, f.to(DType.BOOL).toBooleanArray());
    Tensor d = Tensor.of(new long[] {1, 2}).to(DType.FLOAT64);
    assertEquals(DType.FLOAT64, d.dtype());
    assertValues(new double[] {1, 2}, d);
    assertValues(new double[] {1, 0}, Tensor.of(new boolean[] {true, false}, 2).to(DType.FLOAT32));
    assertSame(f, f.to(DType.FLOAT32));
  }

  @Test
  void itemAndArraysReadValues() {
    assertEquals(4.0, Tensor.of(new long[] {4}).item());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).item());
    assertMessageContains(e, "item", "[2]");
    assertArrayEquals(new float[] {1, 2}, Tensor.of(new long[] {1, 2}).toFloatArray());
    assertArrayEquals(new float[] {1.5f}, Tensor.of(new double[] {1.5}).toFloatArray());
    assertArrayEquals(new long[] {1, -1}, Tensor.of(new double[] {1.9, -1.9}).toLongArray());
    assertEquals(5.0, range(2, 3).get(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> range(2, 3).get(2, 0));
    assertThrows(IllegalArgumentException.class, () -> range(2, 3).get(0));
  }

  @Test
  void toStringShowsShapeTypeAndTruncatedValues() {
    String s = range(5, 5).toString();
    assertTrue(s.contains("[5, 5]"), s);
    assertTrue(s.contains("FLOAT64"), s);
    String big = range(50, 50).toString();
    assertTrue(big.contains("..."), "a large tensor is summarised");
    assertTrue(big.length() < 2000, "summary length " + big.length());
    String g = Tensor.of(new double[] {1}).requiresGrad(true).mul(2.0).toString();
    assertTrue(g.contains("mul"), g);
  }

  // ------------------------------------------------------------------ ND4J interop

  @Test
  void arraySharesMemoryBothWays() {
    Tensor t = Tensor.zeros(2, 2);
    INDArray a = t.array();
    assertArrayEquals(new long[] {2, 2}, a.shape());
    assertEquals(DataType.FLOAT, a.dataType());
    a.putScalar(new long[] {0, 1}, 5.0);
    assertEquals(5.0, t.get(0, 1), "a write through the INDArray is seen by the tensor");
    t.fill_(3.0);
    assertEquals(3.0, a.getDouble(1, 1), "a write to the tensor is seen by the INDArray");
    assertSame(a, t.array(), "the view is cached");
  }

  @Test
  void arrayOfAFloat64ScalarAndAnInt64Tensor() {
    assertEquals(DataType.DOUBLE, Tensor.scalar(1, DType.FLOAT64).array().dataType());
    assertEquals(7L, Tensor.of(new long[] {7}).array().getLong(0));
  }

  @Test
  void fromArraySharesACOrderedArray() {
    INDArray a = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
    Tensor t = Tensor.fromArray(a);
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(new long[] {2, 3}, t.shape());
    a.putScalar(0, 9.0);
    assertEquals(9.0, t.get(0, 0));
    t.addi(1.0);
    assertEquals(10.0, a.getDouble(0, 0));
    assertEquals(DType.FLOAT64, Tensor.fromArray(Nd4j.create(new double[] {1, 2})).dtype());
  }

  @Test
  void fromArrayOfAViewCopiesTheViewedElements() {
    INDArray base = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
    Tensor offset = Tensor.fromArray(base.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)));
    assertArrayEquals(new float[] {2, 3, 5, 6}, offset.toFloatArray());
    Tensor noOffset = Tensor.fromArray(base.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2)));
    assertArrayEquals(new float[] {1, 2, 4, 5}, noOffset.toFloatArray());
    Tensor transposed = Tensor.fromArray(base.transpose());
    assertArrayEquals(new long[] {3, 2}, transposed.shape());
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, transposed.toFloatArray());
    base.putScalar(new long[] {0, 1}, 100.0);
    assertNotEquals(100.0, offset.get(0, 0), "a copied view does not follow its base");
    assertNotEquals(100.0, noOffset.get(0, 1));
    assertNotEquals(100.0, transposed.get(1, 0));
  }
}
