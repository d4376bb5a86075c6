package dev.residual.diffusion.data;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * Two-dimensional toy distributions for diffusion experiments, each returned as {@code [n, 2]}
 * FLOAT32 points (and, where meaningful, {@code [n]} INT64 labels). All of them lie roughly in
 * {@code [−1, 1]²}, the range a diffusion model's x̂0 clipping assumes. The same generator state
 * gives the same points.
 *
 * <ul>
 *   <li>{@link #swissRoll}: sklearn's {@code make_swiss_roll} projected on its (x, z) plane: {@code
 *       τ = 1.5π(1 + 2u)}, {@code u ~ U(0, 1)}, point {@code (τ cos τ, τ sin τ) + noise·N(0, I)},
 *       then divided by {@code 4.5π} (the largest τ) so the noiseless roll lies in {@code [−1,
 *       1]²}.
 *   <li>{@link #twoMoons}: sklearn's {@code make_moons} with angles drawn uniformly instead of on a
 *       grid: label 0 (upper moon) {@code (cos θ, sin θ)}, label 1 (lower moon) {@code (1 − cos θ,
 *       0.5 − sin θ)}, {@code θ ~ U(0, π)}, plus {@code noise·N(0, I)}; then centred by subtracting
 *       {@code (0.5, 0.25)} (the exact mean of the noiseless mixture) and scaled by {@code 2/3}, so
 *       x lies in {@code [−1, 1]} and y in {@code [−0.5, 0.5]} before noise. Labels alternate 0, 1,
 *       0, … so the classes are balanced to within one point.
 *   <li>{@link #eightGaussians}: a uniform mixture of 8 isotropic Gaussians with centres {@code
 *       radius·(cos(2πk/8), sin(2πk/8))}, {@code k = 0 … 7} (mode k is label k), default radius
 *       {@link #EIGHT_GAUSSIANS_RADIUS} and standard deviation {@link #EIGHT_GAUSSIANS_STD}.
 * </ul>
 */
public final class Toy2d {
  /** Default radius of the circle the eight Gaussians' centres lie on. */
  public static final double EIGHT_GAUSSIANS_RADIUS = 0.8;

  /** Default per-coordinate standard deviation of each of the eight Gaussians. */
  public static final double EIGHT_GAUSSIANS_STD = 0.05;

  /**
   * Default noise (in the roll's original units, before scaling) for {@link #swissRoll(int,
   * Generator)}.
   */
  public static final double SWISS_ROLL_NOISE = 0.5;

  /** Default noise (before centring and scaling) for {@link #twoMoons(int, Generator)}. */
  public static final double MOONS_NOISE = 0.05;

  /**
   * Points with optional labels.
   *
   * @param points {@code [n, 2]} FLOAT32
   * @param labels {@code [n]} INT64 (moon index, mode index), or null for the swiss roll
   */
  public record Labelled(Tensor points, Tensor labels) {}

  private Toy2d() {}

  /** {@link #swissRoll(int, double, Generator)} with noise {@link #SWISS_ROLL_NOISE}. */
  public static Tensor swissRoll(int n, Generator g) {
    return swissRoll(n, SWISS_ROLL_NOISE, g);
  }

  /**
   * {@code n} points of the 2-D swiss roll (see the class comment), {@code [n, 2]} FLOAT32.
   *
   * @param noise standard deviation of the Gaussian noise, in the roll's original units (the output
   *     is that divided by 4.5π)
   * @throws IllegalArgumentException if {@code n < 0} or {@code noise < 0}
   */
  public static Tensor swissRoll(int n, double noise, Generator g) {
    check("swissRoll", n, noise);
    float[] out = new float[2 * n];
    double scale = 1.0 / (4.5 * Math.PI);
    for (int i = 0; i < n; i++) {
      double tau = 1.5 * Math.PI * (1 + 2 * g.nextDouble());
      double x = tau * Math.cos(tau) + noise * g.nextGaussian();
      double y = tau * Math.sin(tau) + noise * g.nextGaussian();
      out[2 * i] = (float) (x * scale);
      out[2 * i + 1] = (float) (y * scale);
    }
    return Tensor.of(out, n, 2);
  }

  /** {@link #twoMoons(int, double, Generator)} with noise {@link #MOONS_NOISE}. */
  public static Labelled twoMoons(int n, Generator g) {
    return twoMoons(n, MOONS_NOISE, g);
  }

  /**
   * {@code n} points of two interleaved half circles (see the class comment) and which moon each
   * came from.
   *
   * @param noise standard deviation of the Gaussian noise before centring and the 2/3 scaling
   * @throws IllegalArgumentException if {@code n < 0} or {@code noise < 0}
   */
  public static Labelled twoMoons(int n, double noise, Generator g) {
    check("twoMoons", n, noise);
    float[] out = new float[2 * n];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      double theta = Math.PI * g.nextDouble();
      double x = label == 0 ? Math.cos(theta) : 1 - Math.cos(theta);
      double y = label == 0 ? Math.sin(theta) : 0.5 - Math.sin(theta);
      x += noise * g.nextGaussian();
      y += noise * g.nextGaussian();
      out[2 * i] = (float) ((x - 0.5) * (2.0 / 3.0));
      out[2 * i + 1] = (float) ((y - 0.25) * (2.0 / 3.0));
      labels[i] = label;
    }
    return new Labelled(Tensor.of(out, n, 2), Tensor.of(labels, n));
  }

  /**
   * {@link #eightGaussians(int, double, double, Generator)} with the default radius and standard
   * deviation.
   */
  public static Labelled eightGaussians(int n, Generator g) {
    return eightGaussians(n, EIGHT_GAUSSIANS_RADIUS, EIGHT_GAUSSIANS_STD, g);
  }

  /**
   * {@code n} points of the eight-Gaussian mixture (see the class comment) and the mode each came
   * from; the mode is drawn uniformly per point.
   *
   * @throws IllegalArgumentException if {@code n < 0}, {@code radius <= 0} or {@code std < 0}
   */
  public static Labelled eightGaussians(int n, double radius, double std, Generator g) {
    check("eightGaussians", n, std);
    if (!(radius > 0)) {
      throw new IllegalArgumentException(
          "Toy2d.eightGaussians: radius must be positive, got " + radius);
    }
    double[][] centres = eightGaussianCentres(radius);
    float[] out = new float[2 * n];
    long[] labels = new long[n];
    for (int i = 0; i < n; i++) {
      int k = g.nextInt(8);
      out[2 * i] = (float) (centres[k][0] + std * g.nextGaussian());
      out[2 * i + 1] = (float) (centres[k][1] + std * g.nextGaussian());
      labels[i] = k;
    }
    return new Labelled(Tensor.of(out, n, 2), Tensor.of(labels, n));
  }

  /**
   * The eight centres {@code radius·(cos(2πk/8), sin(2πk/8))}, {@code k = 0 … 7}, as {@code
   * [8][2]}.
   */
  public static double[][] eightGaussianCentres(double radius) {
    double[][] c = new double[8][2];
    for (int k = 0; k < 8; k++) {
      c[k][0] = radius * Math.cos(2 * Math.PI * k / 8);
      c[k][1] = radius * Math.sin(2 * Math.PI * k / 8);
    }
    return c;
  }

  private static void check(String op, int n, double noise) {
    if (n < 0 || !(noise >= 0)) {
      throw new IllegalArgumentException(
          "Toy2d."
              + op
              + ": need n >= 0 and a non-negative noise, got n="
              + n
              + ", noise="
              + noise);
    }
  }
}
