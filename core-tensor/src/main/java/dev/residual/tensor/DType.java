package dev.residual.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Element types of a {@link Tensor}, with PyTorch's type-promotion rules.
 *
 * <p>Promotion orders the types {@code BOOL < INT32 < INT64 < FLOAT32 < FLOAT64}: the result of an
 * arithmetic op on two tensors has the larger of the two types (unlike ND4J, which keeps the first
 * operand's type). A Java {@code double} scalar combined with an integer or boolean tensor gives
 * the {@linkplain Tensor#defaultDType() default floating type}; combined with a floating tensor it
 * keeps the tensor's type, as in PyTorch.
 */
public enum DType {
  /** 1-byte boolean (ND4J {@code BOOL}). */
  BOOL(1, DataType.BOOL),
  /** 32-bit signed integer. */
  INT32(4, DataType.INT),
  /** 64-bit signed integer: the type of indices and token ids. */
  INT64(8, DataType.LONG),
  /** 32-bit IEEE float: the default floating type. */
  FLOAT32(4, DataType.FLOAT),
  /** 64-bit IEEE float: used for reference computations and gradient checks. */
  FLOAT64(8, DataType.DOUBLE);

  private final int byteSize;
  private final DataType nd4j;

  DType(int byteSize, DataType nd4j) {
    this.byteSize = byteSize;
    this.nd4j = nd4j;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The matching ND4J data type. */
  public DataType nd4j() {
    return nd4j;
  }

  /** True for {@link #FLOAT32} and {@link #FLOAT64}. */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64;
  }

  /** True for {@link #INT32} and {@link #INT64}. */
  public boolean isInteger() {
    return this == INT32 || this == INT64;
  }

  /** The type of {@code a op b} under PyTorch's promotion rules. */
  public static DType promote(DType a, DType b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  /**
   * The ND4J type's Residual counterpart.
   *
   * @throws IllegalArgumentException for ND4J types Residual does not support (e.g. HALF, UTF8)
   */
  public static DType fromNd4j(DataType type) {
    for (DType d : values()) {
      if (d.nd4j == type) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unsupported ND4J data type " + type + " (supported: BOOL, INT, LONG, FLOAT, DOUBLE)");
  }
}
