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
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum, L2 weight decay
 * and maximisation, exactly as PyTorch 1.13's {@code torch.optim.SGD}:
 *
 * <pre>
 *   d = maximize ? -g : g
 *   d = d + weight_decay * p                       (if weight_decay != 0)
 *   buf = first step ? d : momentum * buf + (1 - dampening) * d   (if momentum != 0)
 *   d = nesterov ? d + momentum * buf : buf         (if momentum != 0)
 *   p = p - lr * d
 * </pre>
 *
 * <p>Options: {@code lr} (default 0.001), {@code momentum} (0), {@code dampening} (0), {@code
 * weight_decay} (0), {@code nesterov} (false), {@code maximize} (false). State: {@code
 * momentum_buffer} when momentum is non-zero.
 */
public final class SGD extends Optimizer {

  /** Fluent construction: {@code SGD.builder().lr(0.1).momentum(0.9).build(params)}. */
  public static final class Builder {
    private final Map<String, Object> d = new LinkedHashMap<>();

    private Builder() {
      d.put("lr", 1e-3);
      d.put("momentum", 0.0);
      d.put("dampening", 0.0);
      d.put("weight_decay", 0.0);
      d.put("nesterov", false);
      d.put("maximize", false);
    }

    /** Learning rate ({@code >= 0}). */
    public Builder lr(double v) {
      d.put("lr", v);
      return this;
    }

    /** Momentum factor ({@code >= 0}). */
    public Builder momentum(double v) {
      d.put("momentum", v);
      return this;
    }

    /** Dampening of the momentum ({@code >= 0}). */
    public Builder dampening(double v) {
      d.put("dampening", v);
      return this;
    }

    /** L2 penalty added to the gradient ({@code >= 0}). */
    public Builder weightDecay(double v) {
      d.put("weight_decay", v);
      return this;
    }

    /** Nesterov momentum (needs momentum {@code > 0} and dampening 0). */
    public Builder nesterov(boolean v) {
      d.put("nesterov", v);
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
    public SGD build(List<Tensor> params) {
      return new SGD(List.of(new ParamGroup(params)), d);
    }

    /**
     * An optimizer over several groups; the builder's options are the defaults of every group.
     *
     * @throws IllegalArgumentException if an option is invalid or unknown (named in the message)
     */
    public SGD buildGroups(List<ParamGroup> groups) {
      return new SGD(groups, d);
    }
  }

  /** A builder with PyTorch's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Plain SGD with learning rate {@code lr}.
   *
   * @throws IllegalArgumentException if {@code lr} is negative
   */
  public SGD(List<Tensor> params, double lr) {
    this(List.of(new ParamGroup(params)), builder().lr(lr).d);
  }

  private SGD(List<ParamGroup> groups, Map<String, Object> defaults) {
    super("SGD", groups, defaults);
  }

  @Override
  protected void validate(ParamGroup g) {
    requireNonNegative(g, "lr");
    requireNonNegative(g, "momentum");
    requireNonNegative(g, "dampening");
    requireNonNegative(g, "weight_decay");
    requireFlag(g, "nesterov");
    requireFlag(g, "maximize");
    if (g.getBoolean("nesterov")
        && (g.getDouble("momentum") <= 0 || g.getDouble("dampening") != 0)) {
      throw new IllegalArgumentException(
          "SGD: nesterov momentum requires a momentum > 0 and zero dampening, got momentum "
              + g.getDouble("momentum")
              + ", dampening "
              + g.getDouble("dampening"));
    }
  }

  @Override
  protected void update(ParamGroup g, Tensor param, Tensor grad, ParamState s) {
    final double lr = g.lr();
    final double momentum = g.getDouble("momentum");
    final double dampening = g.getDouble("dampening");
    final double wd = g.getDouble("weight_decay");
    final boolean nesterov = g.getBoolean("nesterov");
    final boolean maximize = g.getBoolean("maximize");
    final boolean useMomentum = momentum != 0;
    final boolean first = useMomentum && s.buffer("momentum_buffer") == null;
    Storage ps = param.storage();
    Storage gs = grad.storage();
    Storage bs = useMomentum ? s.bufferOrZeros("momentum_buffer", param).storage() : null;
    s.step++;
    final int n = ps.length;
    if (ps.dtype == DType.FLOAT64) {
      DoubleBuffer p = ps.d;
      DoubleBuffer gr = gs.d;
      DoubleBuffer b = bs == null ? null : bs.d;
      for (int i = 0; i < n; i++) {
        double d = maximize ? -gr.get(i) : gr.get(i);
        double pi = p.get(i);
        if (wd != 0) {
          d = d + wd * pi;
        }
        if (useMomentum) {
          double bi = first ? d : b.get(i) * momentum + (1 - dampening) * d;
          b.put(i, bi);
          d = nesterov ? d + momentum * bi : bi;
        }
        p.put(i, pi + -lr * d);
      }
    } else {
      // PyTorch's float32 order, in float arithmetic over heap chunks (see FloatChunks).
      final float sign = maximize ? -1f : 1f;
      final float wdF = (float) wd;
      final float mom = (float) momentum;
      final float damp = (float) (1 - dampening);
      final float negLr = (float) -lr;
      FloatChunks.run(
          n,
          new FloatBuffer[] {ps.f, gs.f, bs == null ? null : bs.f},
          new boolean[] {true, false, true},
          (a, len) -> {
            float[] p = a[0];
            float[] gr = a[1];
            float[] b = a[2];
            for (int i = 0; i < len; i++) {
              float d = sign * gr[i] + wdF * p[i];
              if (useMomentum) {
                float bi = first ? d : b[i] * mom + damp * d;
                b[i] = bi;
                d = nesterov ? d + mom * bi : bi;
              }
              p[i] = p[i] + negLr * d;
            }
          });
    }
    if (bs != null) {
      bs.bumpVersion();
    }
  }
}
