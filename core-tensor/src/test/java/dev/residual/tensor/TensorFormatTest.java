package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorFormatTest {
  /** The values part of toString (after the header line). */
  private static String body(Tensor t) {
    String s = t.toString();
    return s.substring(s.indexOf('\n') + 1);
  }

  @Test
  void matrixOfFloatsUsesFourDecimalsAndOneWidth() {
    Tensor x = Tensor.of(new float[] {0.1f, 2, -3.5f, 1, 0, 4}, 2, 3);
    assertEquals(
        "Tensor(shape=[2, 3], dtype=FLOAT32)\n"
            + "[[ 0.1000,  2.0000, -3.5000],\n"
            + " [ 1.0000,  0.0000,  4.0000]]",
        x.toString());
  }

  @Test
  void headerShowsGradFnOrRequiresGrad() {
    Tensor leaf = Tensor.of(new double[] {1.5}).requiresGrad(true);
    assertTrue(leaf.toString().startsWith("Tensor(shape=[1], dtype=FLOAT64, requiresGrad=true)\n"));
    Tensor y = leaf.add(1.0);
    assertTrue(y.toString().startsWith("Tensor(shape=[1], dtype=FLOAT64, gradFn=add)\n"));
  }

  @Test
  void integerValuedFloatsPrintWithATrailingPoint() {
    assertEquals("[1., 2., 3.]", body(Tensor.of(new double[] {1, 2, 3})));
    assertEquals("[-0.,  0.]", body(Tensor.of(new double[] {-0.0, 0.0})));
  }

  @Test
  void widelySpreadTinyOrHugeValuesUseScientificNotation() {
    assertEquals("[1.0000e-05, 1.0000e+00]", body(Tensor.of(new double[] {1e-5, 1})));
    assertEquals("[1.0000e+09, 2.0000e+09]", body(Tensor.of(new double[] {1e9, 2e9})));
    assertEquals("[ 1.2346e+05, -3.0000e-03]", body(Tensor.of(new double[] {123456, -0.003})));
  }

  @Test
  void roundingIsExactOnTheBinaryValue() {
    // 2.00005 is stored as 2.0000499999…, so it rounds down (as Python), not up.
    assertEquals("[2.0000, 1.0001]", body(Tensor.of(new double[] {2.00005, 1.00005})));
  }

  @Test
  void nanAndInfinityShareTheColumnWidth() {
    assertEquals(
        "[1.5000,    nan,    inf,   -inf]",
        body(
            Tensor.of(
                new double[] {
                  1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
                })));
  }

  @Test
  void integersAndBooleansArePaddedToOneWidth() {
    assertEquals("[  1, -20, 300]", body(Tensor.of(new long[] {1, -20, 300})));
    assertEquals("[ true, false]", body(Tensor.of(new boolean[] {true, false})));
    assertEquals("Tensor(shape=[2], dtype=INT32)\n[7, 8]", Tensor.of(new int[] {7, 8}).toString());
  }

  @Test
  void zeroDimTensorsShowTheirValue() {
    assertEquals(
        "Tensor(shape=[], dtype=FLOAT64)\n3.5000", Tensor.scalar(3.5, DType.FLOAT64).toString());
    assertEquals("7", body(Tensor.scalar(7, DType.INT64)));
    assertEquals("true", body(Tensor.scalar(1, DType.BOOL)));
  }

  @Test
  void emptyTensorsShowEmptyBrackets() {
    assertEquals("Tensor(shape=[0, 3], dtype=FLOAT32)\n[]", Tensor.zeros(0, 3).toString());
  }

  @Test
  void threeDimTensorsSeparateBlocksWithABlankLine() {
    assertEquals(
        "[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]", body(Tensor.arange(8).reshape(2, 2, 2)));
  }

  @Test
  void longRowsWrapAtEightyColumns() {
    String b = body(Tensor.full(0.5, DType.FLOAT64, 25));
    String[] lines = b.split("\n");
    assertEquals(3, lines.length);
    String ten = "0.5000, ".repeat(10);
    assertEquals("[" + ten.strip(), lines[0]);
    assertEquals(" " + ten.strip(), lines[1]);
    assertEquals(" " + "0.5000, ".repeat(4) + "0.5000]", lines[2]);
  }

  @Test
  void tensorsUpToAThousandElementsAreShownWhole() {
    String b = body(Tensor.arange(1000));
    assertFalse(b.contains("..."));
    assertTrue(b.endsWith("998, 999]"));
  }

  @Test
  void largeVectorsShowThreeItemsAtEachEnd() {
    assertEquals("[   0,    1,    2,  ..., 1997, 1998, 1999]", body(Tensor.arange(2000)));
  }

  @Test
  void largeMatricesAreSummarisedInEveryLongDim() {
    assertEquals(
        "[[   0,    1,    2,  ...,   17,   18,   19],\n"
            + " [  20,   21,   22,  ...,   37,   38,   39],\n"
            + " [  40,   41,   42,  ...,   57,   58,   59],\n"
            + " ...,\n"
            + " [1940, 1941, 1942,  ..., 1957, 1958, 1959],\n"
            + " [1960, 1961, 1962,  ..., 1977, 1978, 1979],\n"
            + " [1980, 1981, 1982,  ..., 1997, 1998, 1999]]",
        body(Tensor.arange(2000).reshape(100, 20)));
  }

  @Test
  void summaryOfAHugeTensorIsShort() {
    String s = Tensor.zeros(1000, 1000).toString();
    assertTrue(s.length() < 400, () -> s.length() + " characters");
  }
}
