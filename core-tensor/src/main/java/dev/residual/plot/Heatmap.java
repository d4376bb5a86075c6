package dev.residual.plot;

import dev.residual.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A heatmap of a matrix {@code [rows, cols]} with optional row and column labels (thinned to every
 * k-th when they would overlap), a colour bar and optional value annotations in the cells:
 * attention patterns (query tokens down, key tokens across), Q-value tables, confusion matrices.
 *
 * <p>Row 0 is drawn at the top, column 0 at the left, like a printed matrix. Values map to colours
 * through a {@link ColorScale}; by default {@link ColorScale#VIRIDIS} over [min, max] of the finite
 * values, or, for a diverging scale, over the symmetric range [-m, m] with m the largest absolute
 * value so that white means zero. NaN cells are light grey. Drawn directly with Java2D.
 *
 * <pre>{@code
 * BufferedImage img = Heatmap.of(attn).title("layer 0 head 3")
 *     .rowLabels(tokens).colLabels(tokens).toImage(600, 600);
 * }</pre>
 */
public final class Heatmap {
  private final double[][] values;
  private final int rows;
  private final int cols;
  private String title;
  private String xLabel;
  private String yLabel;
  private List<String> rowLabels;
  private List<String> colLabels;
  private ColorScale scale = ColorScale.VIRIDIS;
  private Double min;
  private Double max;
  private Boolean annotate;
  private String format = "%.2f";

  private Heatmap(double[][] values) {
    this.values = values;
    this.rows = values.length;
    this.cols = values[0].length;
  }

  /**
   * A heatmap of {@code values} ({@code [rows][cols]}, copied).
   *
   * @throws IllegalArgumentException when the matrix is empty or ragged
   */
  public static Heatmap of(double[][] values) {
    if (values == null || values.length == 0 || values[0] == null || values[0].length == 0) {
      throw new IllegalArgumentException(
          "Heatmap: the matrix must have at least one row and column");
    }
    double[][] copy = new double[values.length][];
    for (int r = 0; r < values.length; r++) {
      if (values[r] == null || values[r].length != values[0].length) {
        throw new IllegalArgumentException(
            "Heatmap: ragged matrix: row "
                + r
                + " has "
                + (values[r] == null ? 0 : values[r].length)
                + " columns, row 0 has "
                + values[0].length);
      }
      copy[r] = values[r].clone();
    }
    return new Heatmap(copy);
  }

  /**
   * A heatmap of a 2-D tensor {@code [rows, cols]} of any dtype (values read as doubles).
   *
   * @throws IllegalArgumentException when the tensor is not 2-D or has a zero dimension
   */
  public static Heatmap of(Tensor t) {
    if (t.dim() != 2) {
      throw new IllegalArgumentException(
          "Heatmap: expected a 2-D tensor [rows, cols], got shape " + Arrays.toString(t.shape()));
    }
    int r = (int) t.shape()[0];
    int c = (int) t.shape()[1];
    if (r == 0 || c == 0) {
      throw new IllegalArgumentException(
          "Heatmap: the tensor must not be empty, got shape " + Arrays.toString(t.shape()));
    }
    double[] flat = t.detach().contiguous().toDoubleArray();
    double[][] m = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, m[i], 0, c);
    }
    return new Heatmap(m);
  }

  /** Sets the title drawn above the map. */
  public Heatmap title(String title) {
    this.title = title;
    return this;
  }

  /** Sets the axis title drawn below the column labels. */
  public Heatmap xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  /** Sets the axis title drawn left of the row labels (rotated). */
  public Heatmap yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /**
   * Labels of the rows, top to bottom.
   *
   * @throws IllegalArgumentException when the count differs from the number of rows
   */
  public Heatmap rowLabels(List<String> labels) {
    if (labels.size() != rows) {
      throw new IllegalArgumentException(
          "Heatmap: " + labels.size() + " row labels for " + rows + " rows");
    }
    this.rowLabels = new ArrayList<>(labels);
    return this;
  }

  /** Labels of the rows, top to bottom (see {@link #rowLabels(List)}). */
  public Heatmap rowLabels(String... labels) {
    return rowLabels(Arrays.asList(labels));
  }

  /**
   * Labels of the columns, left to right.
   *
   * @throws IllegalArgumentException when the count differs from the number of columns
   */
  public Heatmap colLabels(List<String> labels) {
    if (labels.size() != cols) {
      throw new IllegalArgumentException(
          "Heatmap: " + labels.size() + " column labels for " + cols + " columns");
    }
    this.colLabels = new ArrayList<>(labels);
    return this;
  }

  /** Labels of the columns, left to right (see {@link #colLabels(List)}). */
  public Heatmap colLabels(String... labels) {
    return colLabels(Arrays.asList(labels));
  }

  /** Sets the colour scale (default {@link ColorScale#VIRIDIS}). */
  public Heatmap scale(ColorScale scale) {
    this.scale = scale;
    return this;
  }

  /**
   * Fixes the value range mapped to the ends of the colour scale; values outside are clamped.
   *
   * @throws IllegalArgumentException unless {@code min < max}, both finite
   */
  public Heatmap range(double min, double max) {
    if (!(min < max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException(
          "Heatmap.range: need finite min < max, got [" + min + ", " + max + "]");
    }
    this.min = min;
    this.max = max;
    return this;
  }

  /**
   * Whether to print each cell's value in it. By default values are printed when the matrix has at
   * most 400 cells and the cells are large enough for the text.
   */
  public Heatmap annotate(boolean annotate) {
    this.annotate = annotate;
    return this;
  }

  /** The {@link String#format} pattern of cell annotations (default {@code "%.2f"}). */
  public Heatmap format(String format) {
    this.format = format;
    return this;
  }

  /**
   * The value range mapped to the colour scale: the one set by {@link #range}, otherwise derived
   * from the data as described in the class comment; {@code [lo, hi]}, {@code lo < hi}.
   */
  public double[] effectiveRange() {
    if (min != null) {
      return new double[] {min, max};
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] row : values) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new double[] {0, 1};
    }
    if (scale.diverging()) {
      double m = Math.max(Math.abs(lo), Math.abs(hi));
      return m == 0 ? new double[] {-1, 1} : new double[] {-m, m};
    }
    // A constant matrix still needs a non-empty range; centre it so cells get the mid colour.
    return lo == hi ? new double[] {lo - 0.5, hi + 0.5} : new double[] {lo, hi};
  }

  /**
   * Renders the heatmap.
   *
   * @throws IllegalArgumentException when width or height is below 64 pixels
   * @throws IllegalStateException when no fonts are available (see {@link Plots})
   */
  public BufferedImage toImage(int width, int height) {
    if (width < 64 || height < 64) {
      throw new IllegalArgumentException(
          "Heatmap.toImage: size " + width + "x" + height + " is too small (minimum 64x64)");
    }
    return Plots.render(() -> draw(width, height));
  }

  /** Renders and writes a PNG atomically (see {@link Plots#savePng}). */
  public void savePng(Path path, int width, int height) {
    Plots.savePng(toImage(width, height), path);
  }

  private BufferedImage draw(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      int margin = 10;
      int top = margin;
      int left = margin;
      int right = width - margin;
      int bottom = height - margin;

      if (title != null) {
        g.setFont(Plots.font(Font.BOLD, 16));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2, top + fm.getAscent());
        top += fm.getHeight() + 6;
      }
      if (yLabel != null) {
        g.setFont(Plots.font(Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        left += fm.getHeight() + 4;
      }
      if (xLabel != null) {
        g.setFont(Plots.font(Font.PLAIN, 13));
        bottom -= g.getFontMetrics().getHeight() + 4;
      }

      // Colour bar on the right: bar, then tick labels.
      Font tickFont = Plots.font(Font.PLAIN, 11);
      g.setFont(tickFont);
      FontMetrics tfm = g.getFontMetrics();
      double[] range = effectiveRange();
      double mid = (range[0] + range[1]) / 2;
      // Rounding residue of a range like [-1, 1 + 1e-12] must read as 0, not 5e-13.
      if (Math.abs(mid) < 1e-9 * (range[1] - range[0])) {
        mid = 0;
      }
      String[] ticks = {fmt(range[1]), fmt(mid), fmt(range[0])};
      int tickW = 0;
      for (String s : ticks) {
        tickW = Math.max(tickW, tfm.stringWidth(s));
      }
      int barW = 14;
      int barX = right - tickW - 6 - barW;
      right = barX - 12;

      // Label sizes depend on the cell size, which depends on the label sizes; one pass with a
      // provisional cell size is enough for readable labels.
      float labelSize = (float) Math.max(8, Math.min(12, 0.8 * (bottom - top) / Math.max(rows, 1)));
      Font labelFont = Plots.font(Font.PLAIN, labelSize);
      g.setFont(labelFont);
      FontMetrics lfm = g.getFontMetrics();
      int rowLabelW = 0;
      if (rowLabels != null) {
        for (String s : rowLabels) {
          rowLabelW = Math.max(rowLabelW, lfm.stringWidth(s));
        }
        left += rowLabelW + 6;
      }
      int colLabelW = 0;
      if (colLabels != null) {
        for (String s : colLabels) {
          colLabelW = Math.max(colLabelW, lfm.stringWidth(s));
        }
      }
      double provisionalCw = (double) (right - left) / cols;
      boolean rotateCols = colLabels != null && colLabelW + 4 > provisionalCw;
      if (colLabels != null) {
        bottom -= (rotateCols ? colLabelW : lfm.getHeight()) + 6;
      }
      if (right - left < cols || bottom - top < rows) {
        throw new IllegalArgumentException(
            "Heatmap.toImage: "
                + width
                + "x"
                + height
                + " leaves no room for "
                + rows
                + "x"
                + cols
                + " cells after labels");
      }
      double cw = (double) (right - left) / cols;
      double ch = (double) (bottom - top) / rows;

      // Cells.
      for (int r = 0; r < rows; r++) {
        int y0 = top + (int) Math.round(r * ch);
        int y1 = top + (int) Math.round((r + 1) * ch);
        for (int c = 0; c < cols; c++) {
          int x0 = left + (int) Math.round(c * cw);
          int x1 = left + (int) Math.round((c + 1) * cw);
          g.setColor(scale.at(values[r][c], range[0], range[1]));
          g.fillRect(x0, y0, x1 - x0, y1 - y0);
        }
      }

      // Annotations.
      boolean doAnnotate = annotate != null ? annotate : rows * cols <= 400;
      if (doAnnotate) {
        float size = (float) Math.max(7, Math.min(12, Math.min(ch * 0.45, cw * 0.3)));
        g.setFont(Plots.font(Font.PLAIN, size));
        FontMetrics afm = g.getFontMetrics();
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            String s = String.format(Locale.ROOT, format, values[r][c]);
            // A tiny negative value rounds to "-0.00"; the sign carries no information there.
            if (s.matches("-0*\\.?0*(e[+-]?0+)?")) {
              s = s.substring(1);
            }
            int sw = afm.stringWidth(s);
            if (annotate == null && (sw > cw - 2 || afm.getAscent() > ch - 2)) {
              continue;
            }
            Color bg = scale.at(values[r][c], range[0], range[1]);
            double lum = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
            g.setColor(lum < 128 ? Color.WHITE : Color.BLACK);
            double cx = left + (c + 0.5) * cw;
            double cy = top + (r + 0.5) * ch;
            g.drawString(s, (float) (cx - sw / 2.0), (float) (cy + afm.getAscent() / 2.0 - 1));
          }
        }
      }

      // Frame and labels.
      g.setColor(Color.DARK_GRAY);
      g.setStroke(new BasicStroke(1f));
      g.drawRect(left, top, right - left, bottom - top);
      g.setColor(Color.BLACK);
      g.setFont(labelFont);
      // With more labels than fit (a 128-token attention map), every k-th one is drawn so the
      // text never overlaps.
      int rowStride = Math.max(1, (int) Math.ceil(lfm.getHeight() / ch));
      int colStride = rotateCols ? Math.max(1, (int) Math.ceil(lfm.getHeight() / cw)) : 1;
      if (rowLabels != null) {
        for (int r = 0; r < rows; r += rowStride) {
          String s = rowLabels.get(r);
          double cy = top + (r + 0.5) * ch;
          g.drawString(
              s,
              left - 4 - lfm.stringWidth(s),
              (float) (cy + lfm.getAscent() / 2.0 - lfm.getDescent() / 2.0));
        }
      }
      if (colLabels != null) {
        for (int c = 0; c < cols; c += colStride) {
          String s = colLabels.get(c);
          double cx = left + (c + 0.5) * cw;
          if (rotateCols) {
            AffineTransform saved = g.getTransform();
            g.translate(cx + lfm.getAscent() / 2.0 - lfm.getDescent() / 2.0, bottom + 4);
            g.rotate(Math.PI / 2);
            g.drawString(s, 0, 0);
            g.setTransform(saved);
          } else {
            g.drawString(s, (float) (cx - lfm.stringWidth(s) / 2.0), bottom + 4 + lfm.getAscent());
          }
        }
      }
      if (xLabel != null) {
        g.setFont(Plots.font(Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(
            xLabel, (left + right - fm.stringWidth(xLabel)) / 2, height - margin - fm.getDescent());
      }
      if (yLabel != null) {
        g.setFont(Plots.font(Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        AffineTransform saved = g.getTransform();
        g.translate(margin + fm.getAscent(), (top + bottom + fm.stringWidth(yLabel)) / 2.0);
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, 0, 0);
        g.setTransform(saved);
      }

      // Colour bar: one line per pixel row, high values at the top.
      int barTop = top;
      int barBottom = bottom;
      int barH = Math.max(1, barBottom - barTop);
      for (int y = 0; y < barH; y++) {
        g.setColor(scale.at(1.0 - (double) y / (barH - 1 == 0 ? 1 : barH - 1)));
        g.drawLine(barX, barTop + y, barX + barW - 1, barTop + y);
      }
      g.setColor(Color.DARK_GRAY);
      g.drawRect(barX, barTop, barW - 1, barH - 1);
      g.setColor(Color.BLACK);
      g.setFont(tickFont);
      int tx = barX + barW + 4;
      g.drawString(ticks[0], tx, barTop + tfm.getAscent());
      g.drawString(ticks[1], tx, (barTop + barBottom) / 2 + tfm.getAscent() / 2);
      g.drawString(ticks[2], tx, barBottom - tfm.getDescent());
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Short tick text: up to four significant digits, scientific for very large/small values. */
  static String fmt(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
