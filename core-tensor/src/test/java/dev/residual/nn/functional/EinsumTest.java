package dev.residual.nn.functional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EinsumTest {

  /**
   * Einsum by its definition for explicit equations: loop over every assignment of every index and
   * add the product of the operands' entries into the output entry.
   */
  private static Tensor naive(String equation, Tensor... ops) {
    String[] sides = equation.split("->", -1);
    String[] subs = sides[0].split(",", -1);
    String out = sides[1];
    Map<Character, Long> sizes = new LinkedHashMap<>();
    for (int k = 0; k < ops.length; k++) {
      for (int d = 0; d < subs[k].length(); d++) {
        sizes.put(subs[k].charAt(d), ops[k].size(d));
      }
    }
    char[] letters = new char[sizes.size()];
    long[] dims = new long[sizes.size()];
    int j = 0;
    for (Map.Entry<Character, Long> e : sizes.entrySet()) {
      letters[j] = e.getKey();
      dims[j++] = e.getValue();
    }
    long[] outShape = new long[out.length()];
    for (int k = 0; k < outShape.length; k++) {
      outShape[k] = sizes.get(out.charAt(k));
    }
    Tensor result = Tensor.zeros(DType.FLOAT64, outShape);
    long[] idx = new long[letters.length];
    long total = 1;
    for (long d : dims) {
      total *= d;
    }
    for (long flat = 0; flat < total; flat++) {
      long rem = flat;
      for (int k = letters.length - 1; k >= 0; k--) {
        idx[k] = rem % dims[k];
        rem /= dims[k];
      }
      double prod = 1;
      for (int k = 0; k < ops.length; k++) {
        prod *= ops[k].get(select(subs[k], letters, idx));
      }
      long[] o = select(out, letters, idx);
      int off = 0;
      for (int k = 0; k < o.length; k++) {
        off = (int) (off * outShape[k] + o[k]);
      }
      result.storage().d.put(off, result.storage().d.get(off) + prod);
    }
    return result;
  }

  private static long[] select(String sub, char[] letters, long[] idx) {
    long[] r = new long[sub.length()];
    for (int k = 0; k < r.length; k++) {
      r[k] = idx[new String(letters).indexOf(sub.charAt(k))];
    }
    return r;
  }

  private static void assertMatchesDefinition(String equation, long[]... shapes) {
    Tensor[] ops = new Tensor[shapes.length];
    for (int k = 0; k < shapes.length; k++) {
      ops[k] = GradCheck.randn(k + 1, shapes[k]);
    }
    Tensor expected = naive(equation, ops);
    Tensor actual = F.einsum(equation, ops);
    assertArrayEquals(expected.shape(), actual.shape(), equation);
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12, equation);
  }

  private static long[] s(long... shape) {
    return shape;
  }

  @Test
  void einsumMatchesTheDefinition() {
    assertMatchesDefinition("ij,jk->ik", s(3, 4), s(4, 5));
    assertMatchesDefinition("bhqd,bhkd->bhqk", s(2, 3, 4, 5), s(2, 3, 6, 5));
    assertMatchesDefinition("bij,bjk->bik", s(2, 3, 4), s(2, 4, 2));
    assertMatchesDefinition("ij->ji", s(3, 4));
    assertMatchesDefinition("bii->b", s(3, 4, 4));
    assertMatchesDefinition("ii->", s(5, 5));
    assertMatchesDefinition("ii->i", s(5, 5));
    assertMatchesDefinition("i,i->", s(6), s(6));
    assertMatchesDefinition("i,j->ij", s(3), s(4));
    assertMatchesDefinition("ij->", s(3, 4));
    assertMatchesDefinition("ij->j", s(3, 4));
    assertMatchesDefinition("ij,ij->ij", s(3, 4), s(3, 4));
    assertMatchesDefinition("ij,ij->", s(3, 4), s(3, 4));
    assertMatchesDefinition("iij,jk->ik", s(3, 3, 4), s(4, 2));
    assertMatchesDefinition("ijk,ikl->jl", s(2, 3, 4), s(2, 4, 5));
    assertMatchesDefinition("abc,cd->dba", s(2, 3, 4), s(4, 5));
    assertMatchesDefinition("ij,kl->lj", s(2, 3), s(4, 5));
    assertMatchesDefinition("iji,jj->ij", s(3, 4, 3), s(4, 4));
    assertMatchesDefinition("Ab->bA", s(2, 3));
    assertMatchesDefinition("bhqk,bhkd->bqhd", s(2, 3, 4, 5), s(2, 3, 5, 6));
  }

  @Test
  void einsumWithoutArrowOutputsIndicesSeenOnceInAlphabeticalOrder() {
    Tensor a = GradCheck.randn(1, 3, 4);
    Tensor b = GradCheck.randn(2, 4, 5);
    assertArrayEquals(a.matmul(b).toDoubleArray(), F.einsum("ij,jk", a, b).toDoubleArray(), 1e-12);
    assertArrayEquals(a.matmul(b).toDoubleArray(), F.einsum("jk,ij", b, a).toDoubleArray(), 1e-12);
    assertArrayEquals(a.t().toDoubleArray(), F.einsum("ba", a).toDoubleArray(), 0);
    Tensor m = GradCheck.randn(3, 4, 4);
    assertEquals(
        m.get(0, 0) + m.get(1, 1) + m.get(2, 2) + m.get(3, 3), F.einsum("ii", m).item(), 1e-12);
    assertArrayEquals(new long[] {}, F.einsum("ii", m).shape());
    // upper case sorts first, as in PyTorch and NumPy: "aB" -> "Ba"
    assertArrayEquals(new long[] {4, 3}, F.einsum("aB", Tensor.zeros(3, 4)).shape());
  }

  @Test
  void einsumContractionEqualsMatmul() {
    Tensor q = Tensor.randn(new dev.residual.tensor.Generator(5), 2, 3, 4, 8);
    Tensor k = Tensor.randn(new dev.residual.tensor.Generator(6), 2, 3, 6, 8);
    Tensor viaEinsum = F.einsum("bhqd,bhkd->bhqk", q, k);
    assertEquals(DType.FLOAT32, viaEinsum.dtype());
    assertArrayEquals(
        q.matmul(k.transpose(-1, -2)).toFloatArray(), viaEinsum.toFloatArray(), 1e-5f);
  }

  @Test
  void einsumGradientMatchesFiniteDifferences() {
    GradCheck.check(
        t -> F.einsum("bij,bjk->bik", t[0], t[1]),
        GradCheck.randn(1, 2, 3, 4),
        GradCheck.randn(2, 2, 4, 2));
    GradCheck.check(t -> F.einsum("bii->b", t[0]), GradCheck.randn(3, 2, 3, 3));
    GradCheck.check(
        t -> F.einsum("iij,jk->", t[0], t[1]),
        GradCheck.randn(4, 3, 3, 2),
        GradCheck.randn(5, 2, 4));
    GradCheck.check(
        t -> F.einsum("abc,cd->dba", t[0], t[1]),
        GradCheck.randn(6, 2, 3, 4),
        GradCheck.randn(7, 4, 2));
  }

  @Test
  void einsumErrorsNameTheProblem() {
    Tensor a = Tensor.zeros(2, 3);
    Tensor b = Tensor.zeros(4, 5);
    assertMessage(() -> F.einsum("ij,jk->ik", a), "einsum", "2 operand", "1 tensor");
    assertMessage(() -> F.einsum("ij,jk->ik", a, b), "einsum", "'j'", "3", "4", "[2, 3]", "[4, 5]");
    assertMessage(() -> F.einsum("i.j->ij", a), "einsum", "invalid character '.'");
    assertMessage(() -> F.einsum("...ij->ij", a), "einsum", "ellipsis");
    assertMessage(() -> F.einsum("i1->i", a), "invalid character '1'");
    assertMessage(() -> F.einsum("ij,jk,kl->il", a, a, a), "einsum", "1 or 2 operands", "3");
    assertMessage(() -> F.einsum("ijk->i", a), "einsum", "'ijk'", "[2, 3]");
    assertMessage(() -> F.einsum("ij->ik", a), "einsum", "'k'", "does not appear");
    assertMessage(() -> F.einsum("ij->ii", a), "einsum", "'i'", "more than once");
    assertMessage(() -> F.einsum("ii->i", a), "einsum", "'i'", "2", "3");
  }

  private static void assertMessage(Runnable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks " + p);
    }
  }
}
