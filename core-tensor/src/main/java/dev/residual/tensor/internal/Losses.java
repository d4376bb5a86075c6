package dev.residual.tensor.internal;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.NNOps.Reduction;
import java.util.Arrays;

/** Regression and binary losses: MSE and binary cross-entropy with logits, with backward. */
public final class Losses {
  private Losses() {}

  /**
   * Squared error {@code (input - target)²}, reduced by {@code reduction}; the shapes broadcast
   * (NONE returns the broadcast shape) and both inputs receive gradients.
   *
   * @throws IllegalArgumentException if {@code input} is not floating point or the shapes do not
   *     broadcast
   */
  public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
    String op = "mseLoss";
    Pointwise.requireFloat(op, input);
    Shape.broadcast(op, input.shape(), target.shape());
    Tensor sq = input.sub(target).square();
    return reduce(sq, reduction);
  }

  /**
   * Binary cross-entropy of {@code logits} against {@code target} (same shape), computed stably as
   * PyTorch does: {@code (1 - y)·x + (1 + (pw - 1)·y)·(log(1 + e^{-|x|}) + max(-x, 0))}. {@code
   * posWeight} (null: 1) broadcasts against the logits, typically {@code [C]} over the last dim.
   * Gradients flow to the logits, the target and the positive weight.
   *
   * @throws IllegalArgumentException if the logits are not floating point, the target's shape
   *     differs from theirs, or {@code posWeight} does not broadcast to their shape
   */
  public static Tensor bceWithLogits(
      Tensor logits, Tensor target, Tensor posWeight, Reduction reduction) {
    String op = "binaryCrossEntropyWithLogits";
    Pointwise.requireFloat(op, logits);
    long[] s = logits.shape();
    if (!Arrays.equals(s, target.shape())) {
      throw new IllegalArgumentException(
          op
              + ": target shape "
              + Arrays.toString(target.shape())
              + " must equal the logits shape "
              + Arrays.toString(s));
    }
    if (posWeight != null) {
      long[] b = Shape.broadcast(op, s, posWeight.shape());
      if (!Arrays.equals(b, s)) {
        throw new IllegalArgumentException(
            op
                + ": posWeight of shape "
                + Arrays.toString(posWeight.shape())
                + " does not broadcast to the logits shape "
                + Arrays.toString(s));
      }
    }
    DType type = logits.dtype();
    Tensor y = target.to(type);
    Tensor pw = posWeight == null ? null : posWeight.to(type);
    Tensor pwFull = null;
    if (pw != null) {
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        pwFull = Shapes.expand(pw, s);
      }
    }
    int n = (int) logits.numel();
    Tensor perElem = Tensor.empty(type, s);
    Storage xs = logits.storage();
    Storage ys = y.storage();
    Storage ps = pwFull == null ? null : pwFull.storage();
    Storage os = perElem.storage();
    boolean f32 = type == DType.FLOAT32;
    for (int k = 0; k < n; k++) {
      double x = f32 ? xs.f.get(k) : xs.d.get(k);
      double t = f32 ? ys.f.get(k) : ys.d.get(k);
      double logWeight = ps == null ? 1 : 1 + ((f32 ? ps.f.get(k) : ps.d.get(k)) - 1) * t;
      double v = (1 - t) * x + logWeight * softplusNeg(x);
      if (f32) {
        os.f.put(k, (float) v);
      } else {
        os.d.put(k, v);
      }
    }
    Tensor loss = perElem;
    if (Engine.needsRecord(logits, y, pw)) {
      Tensor saved = pwFull;
      loss =
          Engine.record(
              op,
              perElem,
              new Tensor[] {logits, y, pw},
              (g, need) -> {
                Tensor gx = need[0] ? Tensor.empty(type, s) : null;
                Tensor gy = need[1] ? Tensor.empty(type, s) : null;
                Tensor gp = need[2] ? Tensor.empty(type, s) : null;
                Storage gs = g.storage();
                for (int k = 0; k < n; k++) {
                  double x = xs.getDouble(k);
                  double t = ys.getDouble(k);
                  double p = saved == null ? 1 : saved.storage().getDouble(k);
                  double gv = gs.getDouble(k);
                  double sp = softplusNeg(x);
                  if (gx != null) {
                    // d/dx softplus(-x) = sigmoid(x) - 1 = -sigmoid(-x)
                    double lw = 1 + (p - 1) * t;
                    gx.storage().setDouble(k, gv * ((1 - t) - lw * Pointwise.sigmoid(-x)));
                  }
                  if (gy != null) {
                    gy.storage().setDouble(k, gv * (-x + (p - 1) * sp));
                  }
                  if (gp != null) {
                    gp.storage().setDouble(k, gv * t * sp);
                  }
                }
                return new Tensor[] {gx, gy, gp == null ? null : Pointwise.sumTo(gp, pw.shape())};
              },
              pwFull == null ? new Tensor[] {logits, y} : new Tensor[] {logits, y, pwFull});
    }
    return reduce(loss, reduction);
  }

  /** {@code log(1 + e^{-x})} without overflow: {@code log1p(e^{-|x|}) + max(-x, 0)}. */
  private static double softplusNeg(double x) {
    return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(-x, 0);
  }

  private static Tensor reduce(Tensor perElem, Reduction reduction) {
    return switch (reduction) {
      case NONE -> perElem;
      case SUM -> perElem.sum();
      case MEAN -> perElem.mean();
    };
  }
}
