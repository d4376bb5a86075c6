package dev.residual.optim;

import dev.residual.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter), exactly as PyTorch 1.13's {@code torch.optim.AdamW}: the parameter
 * is first shrunk, {@code p = p * (1 - lr * weight_decay)} (decoupled weight decay), then updated
 * as {@link Adam} without an L2 term.
 *
 * <p>Options: {@code lr} (default 0.001), {@code beta1} (0.9), {@code beta2} (0.999), {@code eps}
 * (1e-8), {@code weight_decay} (0.01), {@code amsgrad} (false), {@code maximize} (false). State:
 * {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad) and the step count.
 */
public final class AdamW extends Optimizer {

  /** A builder with PyTorch's defaults. */
  public static AdamBuilder<AdamW> builder() {
    return new AdamBuilder<>(0.01, AdamW::new);
  }

  /**
   * AdamW with learning rate {@code lr} and the other options at their defaults.
   *
   * @throws IllegalArgumentException if {@code lr} is negative
   */
  public AdamW(List<Tensor> params, double lr) {
    this(List.of(new ParamGroup(params)), builder().lr(lr).options());
  }

  private AdamW(List<ParamGroup> groups, Map<String, Object> defaults) {
    super("AdamW", groups, defaults);
  }

  @Override
  protected void validate(ParamGroup g) {
    AdamKernel.validate(this, g);
  }

  @Override
  protected void update(ParamGroup g, Tensor param, Tensor grad, ParamState s) {
    AdamKernel.update(g, param, grad, s, true);
  }
}
