package dev.residual.optim;

import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Storage;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of parameters (the "EMA weights" diffusion models sample with).
 *
 * <p>Each {@link #update()} sets, in place, {@code shadow = d * shadow + (1 - d) * param} for every
 * parameter that requires grad, and copies parameters that do not require grad (as diffusers'
 * {@code EMAModel}). The decay {@code d} is the constant given, or with warmup enabled diffusers'
 * {@code min(decay, (1 + s) / (10 + s))} with {@code s} the number of earlier updates ({@code d =
 * 0}, a plain copy, at the first update). Shadows start as copies of the parameters.
 *
 * <p>For evaluation: {@link #store()} saves the current parameters, {@link #copyTo()} writes the
 * averages into them, {@link #restore()} puts the saved values back.
 */
public final class ExponentialMovingAverage {
  private final List<Tensor> params;
  private final List<Tensor> shadows = new ArrayList<>();
  private final double decay;
  private final boolean warmup;
  private long numUpdates;
  private List<Tensor> stored;

  /** An EMA with constant decay. */
  public ExponentialMovingAverage(List<Tensor> params, double decay) {
    this(params, decay, false);
  }

  /**
   * An EMA; {@code warmup} ramps the decay up as diffusers does.
   *
   * @throws IllegalArgumentException if {@code decay} is outside {@code [0, 1]}, {@code params} is
   *     empty, or a parameter is not FLOAT32/FLOAT64
   */
  public ExponentialMovingAverage(List<Tensor> params, double decay, boolean warmup) {
    if (!(decay >= 0 && decay <= 1)) {
      throw new IllegalArgumentException(
          "ExponentialMovingAverage: decay must be in [0, 1], got " + decay);
    }
    if (params == null || params.isEmpty()) {
      throw new IllegalArgumentException("ExponentialMovingAverage: empty parameter list");
    }
    for (Tensor p : params) {
      if (!p.dtype().isFloatingPoint()) {
        throw new IllegalArgumentException(
            "ExponentialMovingAverage: parameters must be FLOAT32 or FLOAT64, got "
                + p.dtype()
                + " of shape "
                + Arrays.toString(p.shape()));
      }
    }
    this.params = List.copyOf(params);
    this.decay = decay;
    this.warmup = warmup;
    for (Tensor p : this.params) {
      shadows.add(Optimizer.copy(p, p.dtype()));
    }
  }

  /** The averaged tensors, one per parameter (live, not copies). */
  public List<Tensor> shadows() {
    return List.copyOf(shadows);
  }

  /** Number of {@link #update()} calls so far. */
  public long numUpdates() {
    return numUpdates;
  }

  /** The decay the next {@link #update()} will use. */
  public double currentDecay() {
    if (!warmup) {
      return decay;
    }
    long s = numUpdates;
    if (s <= 0) {
      return 0.0;
    }
    return Math.min(decay, (1.0 + s) / (10.0 + s));
  }

  /** Moves every shadow towards its parameter (see the class comment). */
  public void update() {
    double d = currentDecay();
    double c = 1 - d;
    for (int k = 0; k < params.size(); k++) {
      Storage ps = params.get(k).storage();
      Storage ss = shadows.get(k).storage();
      if (!params.get(k).requiresGrad()) {
        ss.copyFrom(ps, 0, 0, ps.length);
      } else if (ps.dtype == DType.FLOAT64) {
        DoubleBuffer p = ps.d;
        DoubleBuffer s = ss.d;
        for (int i = 0; i < ps.length; i++) {
          s.put(i, d * s.get(i) + c * p.get(i));
        }
      } else {
        FloatBuffer p = ps.f;
        FloatBuffer s = ss.f;
        for (int i = 0; i < ps.length; i++) {
          s.put(i, (float) (d * s.get(i) + c * p.get(i)));
        }
      }
      ss.bumpVersion();
    }
    numUpdates++;
  }

  /** Writes the averages into the tracked parameters. */
  public void copyTo() {
    copyTo(params);
  }

  /**
   * Writes the averages into {@code targets} (same number, shapes and types as the tracked
   * parameters), bumping their versions.
   *
   * @throws IllegalArgumentException if the count, a shape or a type differs
   */
  public void copyTo(List<Tensor> targets) {
    check("copyTo", targets);
    for (int k = 0; k < targets.size(); k++) {
      Storage dst = targets.get(k).storage();
      dst.copyFrom(shadows.get(k).storage(), 0, 0, dst.length);
      dst.bumpVersion();
    }
  }

  /** Saves copies of the current parameter values, for {@link #restore()}. */
  public void store() {
    List<Tensor> copies = new ArrayList<>();
    for (Tensor p : params) {
      copies.add(Optimizer.copy(p, p.dtype()));
    }
    stored = copies;
  }

  /**
   * Writes the values saved by {@link #store()} back into the parameters and forgets them.
   *
   * @throws IllegalStateException if nothing is stored
   */
  public void restore() {
    if (stored == null) {
      throw new IllegalStateException("ExponentialMovingAverage.restore: call store() first");
    }
    for (int k = 0; k < params.size(); k++) {
      Storage dst = params.get(k).storage();
      dst.copyFrom(stored.get(k).storage(), 0, 0, dst.length);
      dst.bumpVersion();
    }
    stored = null;
  }

  /**
   * The state: copies of the shadows as {@code "shadow.<k>"}, and in the meta {@code "decay"},
   * {@code "warmup"}, {@code "num_updates"} and {@code "num_params"}.
   */
  public OptimizerState stateDict() {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (int k = 0; k < shadows.size(); k++) {
      tensors.put("shadow." + k, Optimizer.copy(shadows.get(k), shadows.get(k).dtype()));
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("decay", decay);
    meta.put("warmup", warmup);
    meta.put("num_updates", numUpdates);
    meta.put("num_params", shadows.size());
    return new OptimizerState(tensors, meta);
  }

  /**
   * Restores the shadows and the update count from {@link #stateDict()} (the decay and warmup come
   * from the constructor).
   *
   * @throws IllegalArgumentException if the parameter count differs, a shadow is missing or has
   *     another shape, or {@code num_updates} is missing
   */
  public void loadStateDict(OptimizerState state) {
    List<String> problems = new ArrayList<>();
    Object n = state.meta().get("num_params");
    if (!(n instanceof Number num) || num.intValue() != params.size()) {
      problems.add("state has " + n + " parameters, EMA has " + params.size());
    }
    Object u = state.meta().get("num_updates");
    if (!(u instanceof Number)) {
      problems.add("missing num_updates");
    }
    for (int k = 0; k < params.size(); k++) {
      Tensor t = state.tensors().get("shadow." + k);
      if (t == null) {
        problems.add("missing tensor 'shadow." + k + "'");
      } else if (!Arrays.equals(t.shape(), params.get(k).shape())) {
        problems.add(
            "tensor 'shadow."
                + k
                + "' has shape "
                + Arrays.toString(t.shape())
                + ", parameter has "
                + Arrays.toString(params.get(k).shape()));
      }
    }
    if (state.tensors().size() != params.size()) {
      problems.add(state.tensors().size() + " tensors in the state, expected " + params.size());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "ExponentialMovingAverage.loadStateDict: " + String.join("; ", problems));
    }
    for (int k = 0; k < params.size(); k++) {
      shadows.set(k, Optimizer.copy(state.tensors().get("shadow." + k), params.get(k).dtype()));
    }
    numUpdates = ((Number) u).longValue();
  }

  private void check(String op, List<Tensor> targets) {
    if (targets.size() != params.size()) {
      throw new IllegalArgumentException(
          "ExponentialMovingAverage."
              + op
              + ": "
              + targets.size()
              + " tensors given, "
              + params.size()
              + " tracked");
    }
    for (int k = 0; k < targets.size(); k++) {
      Tensor t = targets.get(k);
      Tensor s = shadows.get(k);
      if (!Arrays.equals(t.shape(), s.shape()) || t.dtype() != s.dtype()) {
        throw new IllegalArgumentException(
            "ExponentialMovingAverage."
                + op
                + ": tensor "
                + k
                + " is "
                + t.dtype()
                + " "
                + Arrays.toString(t.shape())
                + ", its average is "
                + s.dtype()
                + " "
                + Arrays.toString(s.shape()));
      }
    }
  }
}
