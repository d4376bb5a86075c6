package dev.residual.nn;

import java.math.BigDecimal;

/** Python-style formatting of values in {@link Module#extraRepr()}, to match PyTorch's repr. */
final class Repr {
  private Repr() {}

  /** Python's {@code repr(float)}: {@code 1e-05}, {@code 0.5}, {@code 1.0}. */
  static String pyFloat(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    BigDecimal bd = new BigDecimal(Double.toString(v)).stripTrailingZeros();
    String digits = bd.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - bd.scale();
    String sign = v < 0 ? "-" : "";
    if (exp >= -4 && exp < 16) {
      String plain = bd.toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String e = String.format("%02d", Math.abs(exp));
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
  }

  /** Python's {@code repr(bool)}. */
  static String pyBool(boolean b) {
    return b ? "True" : "False";
  }

  /** Python's repr of a tuple of ints: {@code (3,)}, {@code (3, 3)}. */
  static String tuple(long... values) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return sb.append(values.length == 1 ? ",)" : ")").toString();
  }

  /** Python's repr of a tuple of ints: {@code (3, 3)}. */
  static String tuple(int... values) {
    long[] l = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      l[i] = values[i];
    }
    return tuple(l);
  }
}
