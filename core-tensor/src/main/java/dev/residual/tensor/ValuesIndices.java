package dev.residual.tensor;

/**
 * The result of {@code max/min(dim)}, {@code sort} and {@code topk}: values (differentiable) and
 * their INT64 indices along the reduced or sorted dim.
 *
 * @param values the selected values
 * @param indices their positions along the dim, INT64, same shape as {@code values}
 */
public record ValuesIndices(Tensor values, Tensor indices) {}
