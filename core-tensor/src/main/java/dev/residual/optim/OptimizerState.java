package dev.residual.optim;

import dev.residual.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The serialisable state of an {@link Optimizer} (or of an {@link ExponentialMovingAverage}), split
 * so that a checkpoint writer can store the tensors in a safetensors file and the rest in JSON.
 *
 * <p>Both maps are flat and ordered. {@link #tensors()} maps names such as {@code "0.exp_avg"}
 * (global parameter index, a dot, the buffer name) to tensors that this record owns (copies, not
 * the optimizer's live buffers). {@link #meta()} maps names such as {@code "group.0.lr"} or {@code
 * "state.0.step"} to JSON scalars only: {@link String}, {@link Boolean}, {@link Long}, {@link
 * Integer} or {@link Double}. A reader may give numbers back as any {@link Number} type: loading
 * accepts them.
 *
 * @param tensors per-parameter buffers by {@code "<param index>.<name>"}
 * @param meta hyper-parameters, counters and the optimizer's type, as JSON scalars
 */
public record OptimizerState(Map<String, Tensor> tensors, Map<String, Object> meta) {

  /**
   * Creates a state, copying both maps into unmodifiable ordered maps.
   *
   * @throws IllegalArgumentException if a map or key is null, or a meta value is not a JSON scalar
   */
  public OptimizerState {
    if (tensors == null || meta == null) {
      throw new IllegalArgumentException("OptimizerState: tensors and meta must not be null");
    }
    for (Map.Entry<String, Object> e : meta.entrySet()) {
      Object v = e.getValue();
      if (e.getKey() == null
          || !(v instanceof String || v instanceof Boolean || v instanceof Number)) {
        throw new IllegalArgumentException(
            "OptimizerState: meta entry '"
                + e.getKey()
                + "' is not a JSON scalar (String, Boolean or Number): "
                + v);
      }
    }
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(
            "OptimizerState: null tensor name or value: " + e.getKey());
      }
    }
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
  }
}
