package dev.residual.optim;

import dev.residual.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba), exactly as PyTorch 1.13's {@code torch.optim.Adam}, with weight decay as an
 * L2 term added to the gradient:
 *
 * <pre>
 *   g = maximize ? -g : g;   g = g + weight_decay * p
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   vmax = max(vmax, v)                                  (amsgrad)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <p>Options: {@code lr} (default 0.001), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps}
 * (1e-8), {@code weight_decay} (0), {@code amsgrad} (false), {@code maximize} (false). State:
 * {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad) and the step count.
 */
public final class Adam extends Optimizer {

  /** Fluent construction: {@code Adam.builder().lr(3e-4).betas(0.9, 0.95).build(params)}. */
  public static final class Builder {
    private final Map<String, Object> d = new LinkedHashMap<>();

    private Builder() {
      d.put("lr", 1e-3);
      d.put("beta1", 0.9);
      d.put("beta2", 0.999);
      d.put("eps", 1e-8);
      d.put("weight_decay", 0.0);
      d.put("amsgrad", false);
      d.put("maximize", false);
    }

    /** Learning rate ({@code >= 0}). */
    public Builder lr(double v) {
      d.put("lr", v);
      return this;
    }

    /** Decay rates of the first and second moment estimates (each in {@code [0, 1)}). */
    public Builder betas(double beta1, double beta2) {
      d.put("beta1", beta1);
      d.put("beta2", beta2);
      return this;
    }

    /** Term added to the denominator for numerical stability ({@code >= 0}). */
    public Builder eps(double v) {
      d.put("eps", v);
      return this;
    }

    /** Weight decay ({@code >= 0}); added to the gradient as an L2 term. */
    public Builder weightDecay(double v) {
      d.put("weight_decay", v);
      return this;
    }

    /** Use the maximum of past second moments (AMSGrad). */
    public Builder amsgrad(boolean v) {
      d.put("amsgrad", v);
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
    public Adam build(List<Tensor> params) {
      return new Adam(List.of(new ParamGroup(params)), d);
    }

    /**
     * An optimizer over several groups; the builder's options are the defaults of every group.
     *
     * @throws IllegalArgumentException if an option is invalid or unknown (named in the message)
     */
    public Adam buildGroups(List<ParamGroup> groups) {
      return new Adam(groups, d);
    }
  }

  /** A builder with PyTorch's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adam with learning rate {@code lr} and the other options at their defaults.
   *
   * @throws IllegalArgumentException if {@code lr} is negative
   */
  public Adam(List<Tensor> params, double lr) {
    this(List.of(new ParamGroup(params)), builder().lr(lr).d);
  }

  private Adam(List<ParamGroup> groups, Map<String, Object> defaults) {
    super("Adam", groups, defaults);
  }

  @Override
  protected void validate(ParamGroup g) {
    AdamKernel.validate(this, g);
  }

  @Override
  protected void update(ParamGroup g, Tensor param, Tensor grad, ParamState s) {
    AdamKernel.update(g, param, grad, s, false);
  }
}
