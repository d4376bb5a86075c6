package dev.residual.plot;

import java.awt.Color;

/**
 * A colour ramp mapping a position {@code t} in [0, 1] to a colour by linear interpolation in RGB
 * between a few control points.
 *
 * <p>{@link #VIRIDIS} is a perceptually uniform dark-purple → teal → yellow ramp (nine control
 * points sampled from the viridis definition) for unsigned data; {@link #DIVERGING} runs blue →
 * white → red for signed data and is meant to be used with a range symmetric about zero, so that
 * white means 0. {@link #GRAYS} runs black → white.
 */
public final class ColorScale {
  /** Perceptually uniform, dark purple (low) to yellow (high). */
  public static final ColorScale VIRIDIS =
      new ColorScale(
          "viridis",
          false,
          new int[] {
            0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d, 0x27ad81, 0x5cc863, 0xaadc32, 0xfde725
          });

  /** Blue (negative) through white (zero) to red (positive); used with a symmetric range. */
  public static final ColorScale DIVERGING =
      new ColorScale(
          "diverging",
          true,
          new int[] {0x2166ac, 0x67a9cf, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xef8a62, 0xb2182b});

  /** Black (low) to white (high). */
  public static final ColorScale GRAYS =
      new ColorScale("grays", false, new int[] {0x000000, 0xffffff});

  private final String name;
  private final boolean diverging;
  private final int[] stops;

  private ColorScale(String name, boolean diverging, int[] stops) {
    this.name = name;
    this.diverging = diverging;
    this.stops = stops;
  }

  /**
   * A custom ramp through {@code colors} (at least two), evenly spaced.
   *
   * @param diverging whether data should be mapped with a range symmetric about zero
   * @throws IllegalArgumentException with fewer than two colours
   */
  public static ColorScale of(String name, boolean diverging, Color... colors) {
    if (colors == null || colors.length < 2) {
      throw new IllegalArgumentException(
          "ColorScale.of: need at least 2 colours, got " + (colors == null ? 0 : colors.length));
    }
    int[] rgb = new int[colors.length];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = colors[i].getRGB() & 0xffffff;
    }
    return new ColorScale(name, diverging, rgb);
  }

  /** The ramp's name. */
  public String name() {
    return name;
  }

  /** Whether the ramp is meant for signed data with a symmetric range (white = 0). */
  public boolean diverging() {
    return diverging;
  }

  /** The colour at {@code t}; {@code t} is clamped to [0, 1] and NaN maps to light grey. */
  public Color at(double t) {
    return new Color(rgbAt(t));
  }

  /** The colour at {@code t} as packed 0xRRGGBB (see {@link #at}). */
  public int rgbAt(double t) {
    if (Double.isNaN(t)) {
      return 0xd0d0d0;
    }
    double u = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    int i = Math.min((int) u, stops.length - 2);
    double f = u - i;
    int a = stops[i];
    int b = stops[i + 1];
    int r = lerp((a >> 16) & 0xff, (b >> 16) & 0xff, f);
    int g = lerp((a >> 8) & 0xff, (b >> 8) & 0xff, f);
    int bl = lerp(a & 0xff, b & 0xff, f);
    return (r << 16) | (g << 8) | bl;
  }

  /** The colour of {@code value} in the range [{@code min}, {@code max}] (clamped). */
  public Color at(double value, double min, double max) {
    return at(max > min ? (value - min) / (max - min) : 0.5);
  }

  private static int lerp(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }

  @Override
  public String toString() {
    return "ColorScale[" + name + "]";
  }
}
