package dev.residual.optim;

import dev.residual.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Fluent construction of {@link Adam} and {@link AdamW}, which share every option: {@code
 * Adam.builder().lr(3e-4).betas(0.9, 0.95).build(params)}. Starts from PyTorch's defaults (weight
 * decay 0 for Adam, 0.01 for AdamW).
 *
 * @param <O> the optimizer built
 */
public final class AdamBuilder<O extends Optimizer> {
  private final Map<String, Object> d = new LinkedHashMap<>();
  private final BiFunction<List<ParamGroup>, Map<String, Object>, O> make;

  AdamBuilder(double weightDecay, BiFunction<List<ParamGroup>, Map<String, Object>, O> make) {
    this.make = make;
    d.put("lr", 1e-3);
    d.put("beta1", 0.9);
    d.put("beta2", 0.999);
    d.put("eps", 1e-8);
    d.put("weight_decay", weightDecay);
    d.put("amsgrad", false);
    d.put("maximize", false);
  }

  /** Learning rate ({@code >= 0}). */
  public AdamBuilder<O> lr(double v) {
    d.put("lr", v);
    return this;
  }

  /** Decay rates of the first and second moment estimates (each in {@code [0, 1)}). */
  public AdamBuilder<O> betas(double beta1, double beta2) {
    d.put("beta1", beta1);
    d.put("beta2", beta2);
    return this;
  }

  /** Term added to the denominator for numerical stability ({@code >= 0}). */
  public AdamBuilder<O> eps(double v) {
    d.put("eps", v);
    return this;
  }

  /**
   * Weight decay ({@code >= 0}): an L2 term added to the gradient for Adam; decoupled for AdamW
   * (the parameter is multiplied by {@code 1 - lr * weightDecay}).
   */
  public AdamBuilder<O> weightDecay(double v) {
    d.put("weight_decay", v);
    return this;
  }

  /** Use the maximum of past second moments (AMSGrad). */
  public AdamBuilder<O> amsgrad(boolean v) {
    d.put("amsgrad", v);
    return this;
  }

  /** Ascend instead of descend. */
  public AdamBuilder<O> maximize(boolean v) {
    d.put("maximize", v);
    return this;
  }

  /**
   * An optimizer over one group of parameters.
   *
   * @throws IllegalArgumentException if an option is invalid (named in the message)
   */
  public O build(List<Tensor> params) {
    return make.apply(List.of(new ParamGroup(params)), d);
  }

  /**
   * An optimizer over several groups; the builder's options are the defaults of every group.
   *
   * @throws IllegalArgumentException if an option is invalid or unknown (named in the message)
   */
  public O buildGroups(List<ParamGroup> groups) {
    return make.apply(groups, d);
  }

  /** The options as set so far (package-private: the optimizers' own constructors use it). */
  Map<String, Object> options() {
    return d;
  }
}
