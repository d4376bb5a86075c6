package dev.residual.optim;

import dev.residual.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A set of parameters optimised with the same hyper-parameters, as PyTorch's {@code param_groups}
 * entries.
 *
 * <p>Options are stored by PyTorch's names ({@code "lr"}, {@code "weight_decay"}, {@code
 * "momentum"}, {@code "dampening"}, {@code "nesterov"}, {@code "beta1"}, {@code "beta2"}, {@code
 * "eps"}, {@code "amsgrad"}, {@code "alpha"}, {@code "centered"}, {@code "maximize"}); PyTorch's
 * {@code betas} pair is split into {@code beta1} and {@code beta2} so that every value is a JSON
 * scalar. A group created by the user holds only the options it overrides; the optimizer fills the
 * rest from its defaults when it is constructed. Numeric options are {@link Double}s, flags are
 * {@link Boolean}s.
 */
public final class ParamGroup {
  private final List<Tensor> params;
  private final Map<String, Object> options;

  /** A group that takes every option from the optimizer's defaults. */
  public ParamGroup(List<Tensor> params) {
    this(params, Map.of());
  }

  /**
   * A group with some options overridden, e.g. {@code new ParamGroup(biases, Map.of("weight_decay",
   * 0.0))}.
   *
   * @throws IllegalArgumentException if {@code params} or {@code options} is null or contains null
   */
  public ParamGroup(List<Tensor> params, Map<String, ?> options) {
    if (params == null || options == null) {
      throw new IllegalArgumentException("ParamGroup: params and options must not be null");
    }
    for (Tensor p : params) {
      if (p == null) {
        throw new IllegalArgumentException("ParamGroup: params contains null");
      }
    }
    this.params = List.copyOf(params);
    this.options = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : options.entrySet()) {
      set(e.getKey(), e.getValue());
    }
  }

  /** The parameters of this group, in order (unmodifiable). */
  public List<Tensor> params() {
    return params;
  }

  /** The options of this group (unmodifiable view, by PyTorch's option names). */
  public Map<String, Object> options() {
    return Collections.unmodifiableMap(options);
  }

  /** Whether the group holds {@code name}. */
  public boolean has(String name) {
    return options.containsKey(name);
  }

  /**
   * A numeric option.
   *
   * @throws IllegalArgumentException if the group has no numeric option {@code name}
   */
  public double getDouble(String name) {
    Object v = options.get(name);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(
          "ParamGroup: no numeric option '" + name + "' (options: " + options + ")");
    }
    return n.doubleValue();
  }

  /**
   * A flag option.
   *
   * @throws IllegalArgumentException if the group has no boolean option {@code name}
   */
  public boolean getBoolean(String name) {
    Object v = options.get(name);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(
          "ParamGroup: no boolean option '" + name + "' (options: " + options + ")");
    }
    return b;
  }

  /**
   * Sets an option; numbers are stored as {@link Double}. The optimizer validates values when it is
   * constructed and at every {@link Optimizer#step()}.
   *
   * @throws IllegalArgumentException if {@code name} is null or {@code value} is neither a {@link
   *     Number} nor a {@link Boolean}
   */
  public void set(String name, Object value) {
    if (name == null) {
      throw new IllegalArgumentException("ParamGroup: option name must not be null");
    }
    if (value instanceof Number n) {
      options.put(name, n.doubleValue());
    } else if (value instanceof Boolean b) {
      options.put(name, b);
    } else {
      throw new IllegalArgumentException(
          "ParamGroup: option '" + name + "' must be a number or a boolean, got " + value);
    }
  }

  /** The learning rate ({@code "lr"}). */
  public double lr() {
    return getDouble("lr");
  }

  /**
   * Sets the learning rate (schedulers call this).
   *
   * @throws IllegalArgumentException if {@code lr} is negative or NaN
   */
  public void setLr(double lr) {
    if (!(lr >= 0)) {
      throw new IllegalArgumentException("ParamGroup: lr must be >= 0, got " + lr);
    }
    options.put("lr", lr);
  }

  /** Copies the options that are absent here from {@code defaults} (construction). */
  void fillDefaults(Map<String, Object> defaults) {
    for (Map.Entry<String, Object> e : defaults.entrySet()) {
      options.putIfAbsent(e.getKey(), e.getValue());
    }
  }

  @Override
  public String toString() {
    return "ParamGroup(" + params.size() + " params, " + options + ")";
  }
}
