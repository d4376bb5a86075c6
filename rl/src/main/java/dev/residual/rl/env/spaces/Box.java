package dev.residual.rl.env.spaces;

import dev.residual.tensor.Generator;
import java.util.Arrays;

/**
 * Real vectors within per-element bounds (Gymnasium's {@code Box(low, high, shape, float32)}), held
 * as {@code float[]} in C order of {@link #shape()}. Bounds may be infinite: sampling then follows
 * Gymnasium, uniform on a bounded interval, exponential-shifted on a half-bounded one and standard
 * normal on an unbounded one.
 */
public final class Box extends AbstractSpace<float[]> {
  private final float[] low;
  private final float[] high;
  private final int[] shape;

  /**
   * @param low lower bounds, one per element (C order)
   * @param high upper bounds, one per element
   * @param shape the observation's shape; its product must equal the bounds' length
   * @throws IllegalArgumentException if the lengths disagree, a bound is NaN or {@code low > high}
   */
  public Box(float[] low, float[] high, int... shape) {
    int size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "Box: shape " + Arrays.toString(shape) + " has a dim < 1");
      }
      size *= d;
    }
    if (low.length != size || high.length != size) {
      throw new IllegalArgumentException(
          "Box: shape "
              + Arrays.toString(shape)
              + " has "
              + size
              + " elements but low has "
              + low.length
              + " and high "
              + high.length);
    }
    for (int i = 0; i < size; i++) {
      if (Float.isNaN(low[i]) || Float.isNaN(high[i]) || low[i] > high[i]) {
        throw new IllegalArgumentException(
            "Box: bounds at element " + i + " are [" + low[i] + ", " + high[i] + "]");
      }
    }
    this.low = low.clone();
    this.high = high.clone();
    this.shape = shape.clone();
  }

  /** A box with the same bounds {@code [low, high]} for every element of {@code shape}. */
  public static Box uniform(float low, float high, int... shape) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    float[] lo = new float[size];
    float[] hi = new float[size];
    Arrays.fill(lo, low);
    Arrays.fill(hi, high);
    return new Box(lo, hi, shape);
  }

  /** The shape of an element. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of floats in an element. */
  public int size() {
    return low.length;
  }

  /** Lower bounds (a copy). */
  public float[] low() {
    return low.clone();
  }

  /** Upper bounds (a copy). */
  public float[] high() {
    return high.clone();
  }

  @Override
  public float[] sample(Generator g) {
    float[] x = new float[low.length];
    for (int i = 0; i < x.length; i++) {
      boolean lo = Float.isFinite(low[i]);
      boolean hi = Float.isFinite(high[i]);
      double v;
      if (lo && hi) {
        v = low[i] + (high[i] - (double) low[i]) * g.nextDouble();
      } else if (lo) {
        v = low[i] - Math.log(1 - g.nextDouble());
      } else if (hi) {
        v = high[i] + Math.log(1 - g.nextDouble());
      } else {
        v = g.nextGaussian();
      }
      x[i] = (float) Math.min(high[i], Math.max(low[i], v));
    }
    return x;
  }

  @Override
  public boolean contains(float[] x) {
    if (x == null || x.length != low.length) {
      return false;
    }
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] >= low[i] && x[i] <= high[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Box(shape=" + Arrays.toString(shape) + ")";
  }
}
