package dev.residual.optim;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, exactly as PyTorch 1.13's {@code torch.optim.RMSprop}:
 *
 * <pre>
 *   g = maximize ? -g : g;   g = g + weight_decay * p
 *   sq = alpha * sq + (1 - alpha) * g * g
 *   avg = centered ? sqrt(sq - ga * ga) + eps  with  ga = alpha * ga + (1 - alpha) * g
 *                  : sqrt(sq) + eps
 *   momentum > 0:  buf = momentum * buf + g / avg;  p = p - lr * buf
 *   otherwise:     p = p - lr * g / avg
 * </pre>
 *
 * <p>Options: {@code lr} (default 0.01), {@code alpha} (0.99), {@code eps} (1e-8), {@code
 * weight_decay} (0), {@code momentum} (0), {@code centered} (false), {@code maximize} (false).
 * State: {@code square_avg}, {@code momentum_buffer} (momentum > 0), {@code grad_avg} (centered)
 * and the step count.
 */
public final class RMSprop extends Optimizer {

  /** Fluent construction: {@code RMSprop.builder().lr(0.01).alpha(0.99).build(params)}. */
  public static final class Builder {
    private final Map<String, Object> d = new LinkedHashMap<>();

    private Builder() {
      d.put("lr", 1e-2);
      d.put("alpha", 0.99);
      d.put("eps", 1e-8);
      d.put("weight_decay", 0.0);
      d.put("momentum", 0.0);
      d.put("centered", false);
      d.put("maximize", false);
    }

    /** Learning rate ({@code >= 0}). */
    public Builder lr(double v) {
      d.put("lr", v);
      return this;
    }

    /** Smoothing constant of the squared-gradient average ({@code >= 0}). */
    public Builder alpha(double v) {
      d.put("alpha", v);
      return this;
    }

    /** Term added to the denominator for numerical stability ({@code >= 0}). */
    public Builder eps(double v) {
      d.put("eps", v);
      return this;
    }

    /** L2 penalty added to the gradient ({@code >= 0}). */
    public Builder weightDecay(double v) {
      d.put("weight_decay", v);
      return this;
    }

    /** Momentum factor ({@code >= 0}). */
    public Builder momentum(double v) {
      d.put("momentum", v);
      return this;
    }

    /** Normalise by the estimated variance of the gradient instead of its second moment. */
    public Builder centered(boolean v) {
      d.put("centered", v);
      return this;
    }

    /** Ascend instead of descend. */
    public Builder maximize(boolean v) {
      d.put("maximize", v);
      return this;
    }

    /**
     * An optimizer over one group of parameters.
     *
     * @throws IllegalArgumentException if an option is invalid (named in the message)
     */
    public RMSprop build(List<Tensor> params) {
      return new RMSprop(List.of(new ParamGroup(params)), d);
    }

    /**
     * An optimizer over several groups; the builder's options are the defaults of every group.
     *
     * @throws IllegalArgumentException if an option is invalid or unknown (named in the message)
     */
    public RMSprop buildGroups(List<ParamGroup> groups) {
      return new RMSprop(groups, d);
    }
  }

  /** A builder with PyTorch's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * RMSprop with learning rate {@code lr} and the other options at their defaults.
   *
   * @throws IllegalArgumentException if {@code lr} is negative
   */
  public RMSprop(List<Tensor> params, double lr) {
    this(List.of(new ParamGroup(params)), builder().lr(lr).d);
  }

  private RMSprop(List<ParamGroup> groups, Map<String, Object> defaults) {
    super("RMSprop", groups, defaults);
  }

  @Override
  protected void validate(ParamGroup g) {
    requireNonNegative(g, "lr");
    requireNonNegative(g, "alpha");
    requireNonNegative(g, "eps");
    requireNonNegative(g, "weight_decay");
    requireNonNegative(g, "momentum");
    requireFlag(g, "centered");
    requireFlag(g, "maximize");
  }

  @Override
  protected void update(ParamGroup g, Tensor param, Tensor grad, ParamState s) {
    final double lr = g.lr();
    final double alpha = g.getDouble("alpha");
    final double eps = g.getDouble("eps");
    final double wd = g.getDouble("weight_decay");
    final double momentum = g.getDouble("momentum");
    final boolean centered = g.getBoolean("centered");
    final boolean maximize = g.getBoolean("maximize");
    final boolean useMomentum = momentum > 0;
    Storage ps = param.storage();
    Storage gs = grad.storage();
    Storage ss = s.bufferOrZeros("square_avg", param).storage();
    Storage bs = useMomentum ? s.bufferOrZeros("momentum_buffer", param).storage() : null;
    Storage as = centered ? s.bufferOrZeros("grad_avg", param).storage() : null;
    s.step++;
    final int n = ps.length;
    if (ps.dtype == DType.FLOAT64) {
      DoubleBuffer p = ps.d;
      DoubleBuffer gr = gs.d;
      DoubleBuffer sq = ss.d;
      DoubleBuffer b = bs == null ? null : bs.d;
      DoubleBuffer ga = as == null ? null : as.d;
      for (int i = 0; i < n; i++) {
        double gi = maximize ? -gr.get(i) : gr.get(i);
        double pi = p.get(i);
        if (wd != 0) {
          gi = gi + wd * pi;
        }
        double si = sq.get(i) * alpha + (1 - alpha) * gi * gi;
        sq.put(i, si);
        double avg;
        if (centered) {
          double ai = ga.get(i) * alpha + (1 - alpha) * gi;
          ga.put(i, ai);
          avg = Math.sqrt(si + -1.0 * ai * ai) + eps;
        } else {
          avg = Math.sqrt(si) + eps;
        }
        if (useMomentum) {
          double bi = b.get(i) * momentum + gi / avg;
          b.put(i, bi);
          p.put(i, pi + -lr * bi);
        } else {
          p.put(i, pi + -lr * (gi / avg));
        }
      }
    } else {
      // PyTorch's float32 order, in float arithmetic over heap chunks (see FloatChunks).
      final float sign = maximize ? -1f : 1f;
      final float wdF = (float) wd;
      final float a1 = (float) alpha;
      final float a2 = (float) (1 - alpha);
      final float epsF = (float) eps;
      final float mom = (float) momentum;
      final float negLr = (float) -lr;
      FloatChunks.run(
          n,
          new FloatBuffer[] {ps.f, gs.f, ss.f, bs == null ? null : bs.f, as == null ? null : as.f},
          new boolean[] {true, false, true, true, true},
          (a, len) -> {
            float[] p = a[0];
            float[] gr = a[1];
            float[] sq = a[2];
            float[] b = a[3];
            float[] ga = a[4];
            for (int i = 0; i < len; i++) {
              float gi = sign * gr[i] + wdF * p[i];
              float si = sq[i] * a1 + a2 * (gi * gi);
              sq[i] = si;
              float avg;
              if (centered) {
                float ai = ga[i] * a1 + a2 * gi;
                ga[i] = ai;
                avg = (float) Math.sqrt(si - ai * ai) + epsF;
              } else {
                avg = (float) Math.sqrt(si) + epsF;
              }
              if (useMomentum) {
                float bi = b[i] * mom + gi / avg;
                b[i] = bi;
                p[i] = p[i] + negLr * bi;
              } else {
                p[i] = p[i] + negLr * (gi / avg);
              }
            }
          });
    }
    ss.bumpVersion();
    if (bs != null) {
      bs.bumpVersion();
    }
    if (as != null) {
      as.bumpVersion();
    }
  }
}
