package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Einstein summation for one and two operands, built on differentiable ops (a diagonal op, permute,
 * reshape, sum and matmul), so gradients come from those ops' backwards.
 *
 * <p>A two-operand contraction becomes one (batched) matmul: the indices are sorted into batch (in
 * both operands and the output), free (in one operand and the output) and contracted (in both
 * operands, not the output) groups, each operand is permuted and reshaped to {@code [batch, rows,
 * contracted]} / {@code [batch, contracted, cols]}, and the product is reshaped and permuted into
 * the output order. Indices found in only one operand and not in the output are summed out first.
 */
public final class Einsum {
  private Einsum() {}

  /**
   * Evaluates {@code equation} over one or two operands, as PyTorch's {@code torch.einsum}:
   * explicit ({@code "ij,jk->ik"}, {@code "bhqd,bhkd->bhqk"}, {@code "ij->ji"}, {@code "bii->b"},
   * {@code "i,i->"}) or implicit (no {@code "->"}: the output holds the indices that appear exactly
   * once, in alphabetical order, upper case first). An index repeated within one operand takes that
   * operand's diagonal. Spaces are ignored. Sizes of an index must agree exactly (no broadcasting
   * of size-1 dims), and the ellipsis {@code ...} is not supported.
   *
   * @throws IllegalArgumentException for 0 or more than 2 operands, an operand count or a number of
   *     subscripts that does not match the equation, characters other than letters, an output index
   *     that is repeated or missing from the inputs, or an index with two different sizes
   */
  public static Tensor einsum(String equation, Tensor... operands) {
    String op = "einsum";
    if (equation == null) {
      throw new IllegalArgumentException(op + ": equation is null");
    }
    int count = operands == null ? 0 : operands.length;
    if (count < 1 || count > 2) {
      throw new IllegalArgumentException(
          op + ": supports 1 or 2 operands, got " + count + " for equation '" + equation + "'");
    }
    String eq = equation.replace(" ", "");
    int arrow = eq.indexOf("->");
    String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
    String rhs = arrow < 0 ? null : eq.substring(arrow + 2);
    String[] subs = lhs.split(",", -1);
    if (subs.length != count) {
      throw new IllegalArgumentException(
          op
              + ": equation '"
              + equation
              + "' names "
              + subs.length
              + " operand(s), but "
              + count
              + " tensor(s) were given");
    }
    checkLetters(equation, lhs.replace(",", ""));
    if (rhs != null) {
      checkLetters(equation, rhs);
    }
    Map<Character, Long> sizes = new HashMap<>();
    Map<Character, Integer> firstOperand = new HashMap<>();
    int[] occurrences = new int[128];
    for (int k = 0; k < count; k++) {
      Tensor t = operands[k];
      long[] s = t.shape();
      if (subs[k].length() != s.length) {
        throw new IllegalArgumentException(
            op
                + ": subscripts '"
                + subs[k]
                + "' of operand "
                + k
                + " name "
                + subs[k].length()
                + " dims, but the operand has shape "
                + Arrays.toString(s)
                + " ("
                + s.length
                + " dims)");
      }
      for (int d = 0; d < s.length; d++) {
        char c = subs[k].charAt(d);
        occurrences[c]++;
        Long prev = sizes.putIfAbsent(c, s[d]);
        firstOperand.putIfAbsent(c, k);
        if (prev != null && prev != s[d]) {
          int first = firstOperand.get(c);
          throw new IllegalArgumentException(
              op
                  + ": index '"
                  + c
                  + "' has size "
                  + prev
                  + " in operand "
                  + first
                  + " (shape "
                  + Arrays.toString(operands[first].shape())
                  + ") but size "
                  + s[d]
                  + " in operand "
                  + k
                  + " (shape "
                  + Arrays.toString(s)
                  + ")");
        }
      }
    }
    String out;
    if (rhs == null) {
      StringBuilder sb = new StringBuilder();
      for (char c = 0; c < 128; c++) {
        if (occurrences[c] == 1) {
          sb.append(c);
        }
      }
      out = sb.toString();
    } else {
      for (int k = 0; k < rhs.length(); k++) {
        char c = rhs.charAt(k);
        if (rhs.indexOf(c) != k) {
          throw new IllegalArgumentException(
              op + ": output index '" + c + "' appears more than once in '" + equation + "'");
        }
        if (occurrences[c] == 0) {
          throw new IllegalArgumentException(
              op
                  + ": output index '"
                  + c
                  + "' does not appear in the inputs of '"
                  + equation
                  + "'");
        }
      }
      out = rhs;
    }

    DType type = operands[0].dtype();
    for (Tensor t : operands) {
      type = DType.promote(type, t.dtype());
    }
    Tensor result;
    if (count == 1) {
      StringBuilder la = new StringBuilder(subs[0]);
      Tensor a = takeDiagonals(operands[0], la);
      a = sumOut(a, la, out, "");
      result = arrange(a, la.toString(), out);
    } else {
      StringBuilder la = new StringBuilder(subs[0]);
      StringBuilder lb = new StringBuilder(subs[1]);
      Tensor a = takeDiagonals(operands[0], la);
      Tensor b = takeDiagonals(operands[1], lb);
      a = sumOut(a, la, out, lb.toString());
      b = sumOut(b, lb, out, la.toString());
      result = contract(a, la.toString(), b, lb.toString(), out, sizes);
    }
    if (result.dtype() != type && type != DType.BOOL) {
      result = result.to(type);
    }
    return result;
  }

  private static void checkLetters(String equation, String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        throw new IllegalArgumentException(
            "einsum: invalid character '"
                + c
                + "' in equation '"
                + equation
                + "' (indices are single letters a-z, A-Z; the ellipsis is not supported)");
      }
    }
  }

  /** Replaces each index repeated within {@code letters} by the diagonal over its dims. */
  private static Tensor takeDiagonals(Tensor t, StringBuilder letters) {
    for (int j = 0; j < letters.length(); j++) {
      int i = letters.indexOf(String.valueOf(letters.charAt(j)));
      if (i < j) {
        t = diagonal(t, i, j);
        letters.deleteCharAt(j);
        j--;
      }
    }
    return t;
  }

  /** Sums out the indices of {@code letters} that are in neither {@code out} nor {@code other}. */
  private static Tensor sumOut(Tensor t, StringBuilder letters, String out, String other) {
    List<Integer> dims = new ArrayList<>();
    StringBuilder kept = new StringBuilder();
    for (int d = 0; d < letters.length(); d++) {
      char c = letters.charAt(d);
      if (out.indexOf(c) < 0 && other.indexOf(c) < 0) {
        dims.add(d);
      } else {
        kept.append(c);
      }
    }
    if (dims.isEmpty()) {
      return t;
    }
    letters.setLength(0);
    letters.append(kept);
    return t.sum(dims.stream().mapToInt(Integer::intValue).toArray(), false);
  }

  /** {@code t} (unique indices {@code letters}, all in {@code out}) permuted into {@code out}. */
  private static Tensor arrange(Tensor t, String letters, String out) {
    int[] perm = new int[out.length()];
    for (int k = 0; k < perm.length; k++) {
      perm[k] = letters.indexOf(out.charAt(k));
    }
    return t.permute(perm);
  }

  private static Tensor contract(
      Tensor a, String la, Tensor b, String lb, String out, Map<Character, Long> sizes) {
    StringBuilder batch = new StringBuilder();
    StringBuilder rows = new StringBuilder();
    StringBuilder cols = new StringBuilder();
    for (int k = 0; k < out.length(); k++) {
      char c = out.charAt(k);
      boolean inA = la.indexOf(c) >= 0;
      boolean inB = lb.indexOf(c) >= 0;
      (inA && inB ? batch : inA ? rows : cols).append(c);
    }
    StringBuilder contracted = new StringBuilder();
    for (int k = 0; k < la.length(); k++) {
      char c = la.charAt(k);
      if (lb.indexOf(c) >= 0 && out.indexOf(c) < 0) {
        contracted.append(c);
      }
    }
    long bt = product(batch, sizes);
    long m = product(rows, sizes);
    long kk = product(contracted, sizes);
    long n = product(cols, sizes);
    String orderA = batch.toString() + rows + contracted;
    String orderB = batch.toString() + contracted + cols;
    Tensor a2 = arrange(a, la, orderA);
    Tensor b2 = arrange(b, lb, orderB);
    Tensor prod;
    if (batch.length() == 0) {
      prod = a2.reshape(m, kk).matmul(b2.reshape(kk, n));
    } else {
      prod = a2.reshape(bt, m, kk).matmul(b2.reshape(bt, kk, n));
    }
    String orderC = batch.toString() + rows + cols;
    long[] shapeC = new long[orderC.length()];
    for (int k = 0; k < shapeC.length; k++) {
      shapeC[k] = sizes.get(orderC.charAt(k));
    }
    return arrange(prod.reshape(shapeC), orderC, out);
  }

  private static long product(CharSequence letters, Map<Character, Long> sizes) {
    long p = 1;
    for (int k = 0; k < letters.length(); k++) {
      p *= sizes.get(letters.charAt(k));
    }
    return p;
  }

  /**
   * The diagonal of dims {@code d1 < d2} (of equal size): {@code out[.., i, ..] = x[.., i, .., i,
   * ..]}, keeping dim {@code d1}'s position and removing {@code d2}. Its backward writes the
   * gradient back onto the diagonal of a zero tensor.
   */
  static Tensor diagonal(Tensor x, int d1, int d2) {
    long[] s = x.shape();
    int[] st = Shape.intStrides(s);
    long[] outShape = new long[s.length - 1];
    int[] diagStr = new int[s.length - 1];
    for (int k = 0, j = 0; k < s.length; k++) {
      if (k == d2) {
        continue;
      }
      outShape[j] = s[k];
      diagStr[j] = k == d1 ? st[d1] + st[d2] : st[k];
      j++;
    }
    int[] outStr = Shape.intStrides(outShape);
    Tensor out = Tensor.empty(x.dtype(), outShape);
    Shapes.stridedCopy(x.storage(), 0, diagStr, out.storage(), 0, outStr, outShape);
    if (!Engine.needsRecord(x)) {
      return out;
    }
    return Engine.record(
        "diagonal",
        out,
        new Tensor[] {x},
        (g, need) -> {
          Tensor gx = Tensor.zeros(g.dtype(), s);
          Shapes.stridedCopy(g.storage(), 0, outStr, gx.storage(), 0, diagStr, outShape);
          return new Tensor[] {gx};
        });
  }
}
