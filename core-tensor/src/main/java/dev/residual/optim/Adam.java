package dev.residual.optim;

import dev.residual.tensor.Tensor;
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

  /** A builder with PyTorch's defaults. */
  public static AdamBuilder<Adam> builder() {
    return new AdamBuilder<>(0.0, Adam::new);
  }

  /**
   * Adam with learning rate {@code lr} and the other options at their defaults.
   *
   * @throws IllegalArgumentException if {@code lr} is negative
   */
  public Adam(List<Tensor> params, double lr) {
    this(List.of(new ParamGroup(params)), builder().lr(lr).options());
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
