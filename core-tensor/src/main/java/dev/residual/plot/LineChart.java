package dev.residual.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A line chart of metric curves: x is the step, y the value; several named series, several runs
 * overlaid (series named {@code run/metric}), optional exponential-moving-average smoothing, a
 * logarithmic y axis on request. Drawn with JFreeChart.
 *
 * <p>Smoothing follows TensorBoard and W&amp;B: with weight {@code a} in [0, 1), {@code s_t = a
 * s_{t-1} + (1 - a) y_t} from {@code s_{-1} = 0}, divided by {@code 1 - a^(t+1)} so the start is
 * not pulled towards zero (debiasing); see {@link #ema}. When smoothing is on, each raw curve is
 * drawn faintly behind its smoothed curve in the same colour.
 *
 * <pre>{@code
 * new LineChart().title("loss").xLabel("step").yLabel("loss").smoothing(0.6).logY(true)
 *     .series("train", steps, train).series("val", valSteps, val)
 *     .savePng(Path.of("loss.png"), 800, 500);
 * }</pre>
 */
public final class LineChart {
  private final Map<String, double[][]> series = new LinkedHashMap<>();
  private String title;
  private String xLabel = "step";
  private String yLabel = "value";
  private double smoothing;
  private boolean logY;

  /** An empty chart. */
  public LineChart() {}

  /** Sets the title. */
  public LineChart title(String title) {
    this.title = title;
    return this;
  }

  /** Sets the x axis label (default "step"). */
  public LineChart xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  /** Sets the y axis label (default "value"). */
  public LineChart yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /**
   * Sets the EMA smoothing weight (0 = none, the default).
   *
   * @throws IllegalArgumentException unless {@code 0 <= smoothing < 1}
   */
  public LineChart smoothing(double smoothing) {
    if (!(smoothing >= 0 && smoothing < 1)) {
      throw new IllegalArgumentException(
          "LineChart.smoothing: must be in [0, 1), got " + smoothing);
    }
    this.smoothing = smoothing;
    return this;
  }

  /** Whether the y axis is logarithmic (every value must then be positive). */
  public LineChart logY(boolean logY) {
    this.logY = logY;
    return this;
  }

  /**
   * Adds a series with x = {@code steps}, y = {@code values}. Non-finite values are skipped when
   * drawn (a NaN loss leaves a gap rather than breaking the chart).
   *
   * @throws IllegalArgumentException when the lengths differ, the name is already used or empty
   */
  public LineChart series(String name, double[] steps, double[] values) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("LineChart.series: the name must not be empty");
    }
    if (steps.length != values.length) {
      throw new IllegalArgumentException(
          "LineChart.series '"
              + name
              + "': "
              + steps.length
              + " steps but "
              + values.length
              + " values");
    }
    if (series.containsKey(name)) {
      throw new IllegalArgumentException("LineChart.series: duplicate series name '" + name + "'");
    }
    series.put(name, new double[][] {steps.clone(), values.clone()});
    return this;
  }

  /**
   * Adds a series whose steps are 0, 1, 2, ... (see {@link #series(String, double[], double[])}).
   */
  public LineChart series(String name, double[] values) {
    double[] steps = new double[values.length];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = i;
    }
    return series(name, steps, values);
  }

  /**
   * Adds every entry of {@code byName}: each value is {@code {steps, values}} (a {@code [2][n]}
   * array), in the map's iteration order.
   *
   * @throws IllegalArgumentException when an entry is not two rows of equal length
   */
  public LineChart series(Map<String, double[][]> byName) {
    for (Map.Entry<String, double[][]> e : byName.entrySet()) {
      double[][] xy = e.getValue();
      if (xy == null || xy.length != 2) {
        throw new IllegalArgumentException(
            "LineChart.series '"
                + e.getKey()
                + "': expected {steps, values} ([2][n]), got "
                + (xy == null ? "null" : xy.length + " rows"));
      }
      series(e.getKey(), xy[0], xy[1]);
    }
    return this;
  }

  /**
   * Overlays a run: every metric of {@code metrics} (as in {@link #series(Map)}) is added as series
   * {@code run/metric}.
   */
  public LineChart run(String run, Map<String, double[][]> metrics) {
    Map<String, double[][]> named = new LinkedHashMap<>();
    for (Map.Entry<String, double[][]> e : metrics.entrySet()) {
      named.put(run + "/" + e.getKey(), e.getValue());
    }
    return series(named);
  }

  /** The names of the series, in the order added. */
  public List<String> seriesNames() {
    return new ArrayList<>(series.keySet());
  }

  /**
   * The debiased exponential moving average of {@code y} with weight {@code a}: {@code s_t = a
   * s_{t-1} + (1 - a) y_t}, {@code s_{-1} = 0}, reported as {@code s_t / (1 - a^(k))} where k is
   * the number of finite values seen so far. Non-finite values are passed through unchanged and do
   * not enter the average. {@code a = 0} returns a copy of {@code y}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= a < 1}
   */
  public static double[] ema(double[] y, double a) {
    if (!(a >= 0 && a < 1)) {
      throw new IllegalArgumentException("LineChart.ema: weight must be in [0, 1), got " + a);
    }
    double[] out = new double[y.length];
    double s = 0;
    double decay = 1; // a^k
    for (int t = 0; t < y.length; t++) {
      if (!Double.isFinite(y[t])) {
        out[t] = y[t];
        continue;
      }
      s = a * s + (1 - a) * y[t];
      decay *= a;
      out[t] = s / (1 - decay);
    }
    return out;
  }

  /**
   * Renders the chart with JFreeChart.
   *
   * @throws IllegalArgumentException when the chart has no series, the size is below 64 pixels, or
   *     {@code logY} is set and a series has a value {@code <= 0}
   * @throws IllegalStateException when no fonts are available (see {@link Plots})
   */
  public BufferedImage toImage(int width, int height) {
    checkRenderable(width, height);
    return Plots.render(() -> buildChart().createBufferedImage(width, height));
  }

  /** Renders and writes a PNG atomically (see {@link Plots#savePng}). */
  public void savePng(Path path, int width, int height) {
    Plots.savePng(toImage(width, height), path);
  }

  /**
   * Writes the chart as a minimal standalone SVG (axes with ticks, one polyline per curve, a
   * legend, title and axis labels), atomically. Needs no fonts on this machine: text is left to the
   * viewer.
   *
   * @throws IllegalArgumentException as {@link #toImage}
   */
  public void saveSvg(Path path, int width, int height) {
    checkRenderable(width, height);
    Plots.saveText(toSvg(width, height), path);
  }

  private void checkRenderable(int width, int height) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("LineChart: no series to draw");
    }
    if (width < 64 || height < 64) {
      throw new IllegalArgumentException(
          "LineChart: size " + width + "x" + height + " is too small (minimum 64x64)");
    }
    if (logY) {
      for (Map.Entry<String, double[][]> e : series.entrySet()) {
        for (double v : e.getValue()[1]) {
          if (v <= 0) {
            throw new IllegalArgumentException(
                "LineChart: log-scale y axis but series '"
                    + e.getKey()
                    + "' has value "
                    + v
                    + " <= 0");
          }
        }
      }
    }
  }

  /** The curves to draw, in order: per series the raw curve (if smoothing) then the main one. */
  private List<Curve> curves() {
    List<Curve> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      double[] x = e.getValue()[0];
      double[] y = e.getValue()[1];
      Color c = Plots.seriesColor(i++);
      if (smoothing > 0) {
        out.add(new Curve(e.getKey() + " (raw)", x, y, withAlpha(c, 70), false));
        out.add(new Curve(e.getKey(), x, ema(y, smoothing), c, true));
      } else {
        out.add(new Curve(e.getKey(), x, y, c, true));
      }
    }
    return out;
  }

  private record Curve(String name, double[] x, double[] y, Color color, boolean main) {}

  private static Color withAlpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  JFreeChart buildChart() {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    List<Curve> curves = curves();
    for (int k = 0; k < curves.size(); k++) {
      Curve c = curves.get(k);
      // autoSort off keeps the order given; duplicates allowed so repeated steps are kept.
      XYSeries s = new XYSeries(c.name() + "#" + k, false, true);
      for (int t = 0; t < c.x().length; t++) {
        // A null y breaks the line, leaving a visible gap at NaN/inf values.
        s.add(c.x()[t], Double.isFinite(c.y()[t]) ? (Number) c.y()[t] : null);
      }
      data.addSeries(s);
      renderer.setSeriesPaint(k, c.color());
      renderer.setSeriesStroke(k, new BasicStroke(c.main() ? 2f : 1.2f));
      renderer.setSeriesVisibleInLegend(k, c.main());
    }
    // The legend shows series keys; strip the uniqueness suffix through a legend label generator.
    renderer.setLegendItemLabelGenerator(
        (dataset, series) -> {
          String key = String.valueOf(dataset.getSeriesKey(series));
          return key.substring(0, key.lastIndexOf('#'));
        });
    NumberAxis xAxis = new NumberAxis(xLabel);
    xAxis.setAutoRangeIncludesZero(false);
    ValueAxis yAxis;
    if (logY) {
      LogAxis log = new LogAxis(yLabel);
      log.setSmallestValue(1e-300);
      // The default labels are powers like 10^0.3; plain numbers read better on metric charts.
      log.setNumberFormatOverride(new ShortNumberFormat());
      yAxis = log;
    } else {
      NumberAxis lin = new NumberAxis(yLabel);
      lin.setAutoRangeIncludesZero(false);
      yAxis = lin;
    }
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    Charts.stylePlot(plot);
    JFreeChart chart = new JFreeChart(null, Plots.font(Font.BOLD, 16), plot, true);
    if (title != null) {
      chart.setTitle(new TextTitle(title, Plots.font(Font.BOLD, 16)));
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    return chart;
  }

  String toSvg(int width, int height) {
    List<Curve> curves = curves();
    double xmin = Double.POSITIVE_INFINITY;
    double xmax = Double.NEGATIVE_INFINITY;
    double ymin = Double.POSITIVE_INFINITY;
    double ymax = Double.NEGATIVE_INFINITY;
    for (Curve c : curves) {
      for (int t = 0; t < c.x().length; t++) {
        if (Double.isFinite(c.x()[t]) && Double.isFinite(c.y()[t])) {
          xmin = Math.min(xmin, c.x()[t]);
          xmax = Math.max(xmax, c.x()[t]);
          double y = logY ? Math.log10(c.y()[t]) : c.y()[t];
          ymin = Math.min(ymin, y);
          ymax = Math.max(ymax, y);
        }
      }
    }
    if (xmin > xmax) {
      xmin = 0;
      xmax = 1;
      ymin = 0;
      ymax = 1;
    }
    if (xmin == xmax) {
      xmin -= 0.5;
      xmax += 0.5;
    }
    if (ymin == ymax) {
      ymin -= 0.5;
      ymax += 0.5;
    }
    double pad = (ymax - ymin) * 0.05;
    ymin -= pad;
    ymax += pad;
    int left = 70;
    int right = width - 20;
    int top = title != null ? 40 : 20;
    int legendH = 18 * (int) curves.stream().filter(Curve::main).count();
    int bottom = height - 50 - legendH;
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n",
            width,
            height,
            width,
            height));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    if (title != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"16\""
                  + " font-weight=\"bold\">%s</text>\n",
              width / 2,
              esc(title)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
            left,
            top,
            right - left,
            bottom - top));
    for (double fx : niceTicks(xmin, xmax, 6)) {
      double px = left + (fx - xmin) / (xmax - xmin) * (right - left);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>\n",
              px,
              top,
              px,
              bottom,
              px,
              bottom + 14,
              esc(Heatmap.fmt(fx))));
    }
    // On a log axis spanning at least a decade, ticks sit on powers of ten (or every few); on a
    // narrower one, at round values of the data itself.
    double[] yTicks;
    if (!logY) {
      yTicks = niceTicks(ymin, ymax, 6);
    } else if (ymax - ymin >= 1) {
      yTicks = niceTicks(ymin, ymax, 6);
      double step = Math.max(1, Math.ceil(yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1));
      List<Double> decades = new ArrayList<>();
      for (double e = Math.ceil(ymin / step) * step; e <= ymax; e += step) {
        decades.add(e);
      }
      yTicks = decades.stream().mapToDouble(Double::doubleValue).toArray();
    } else {
      yTicks = niceTicks(Math.pow(10, ymin), Math.pow(10, ymax), 6);
      for (int k = 0; k < yTicks.length; k++) {
        yTicks[k] = Math.log10(yTicks[k]);
      }
    }
    for (double fy : yTicks) {
      if (Double.isNaN(fy)) {
        continue;
      }
      double py = bottom - (fy - ymin) / (ymax - ymin) * (bottom - top);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s</text>\n",
              left,
              py,
              right,
              py,
              left - 4,
              py + 4,
              esc(Heatmap.fmt(logY ? Math.pow(10, fy) : fy))));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">%s</text>\n",
            (left + right) / 2,
            bottom + 32,
            esc(xLabel)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\""
                + " font-size=\"13\">%s</text>\n",
            (top + bottom) / 2,
            esc(yLabel)));
    int legendY = bottom + 50;
    for (Curve c : curves) {
      String color =
          String.format(
              Locale.ROOT,
              "#%02x%02x%02x",
              c.color().getRed(),
              c.color().getGreen(),
              c.color().getBlue());
      double opacity = c.color().getAlpha() / 255.0;
      // Each finite run of points becomes one polyline, so non-finite values leave gaps.
      StringBuilder pts = new StringBuilder();
      for (int t = 0; t <= c.x().length; t++) {
        boolean ok = t < c.x().length && Double.isFinite(c.y()[t]) && Double.isFinite(c.x()[t]);
        if (ok) {
          double y = logY ? Math.log10(c.y()[t]) : c.y()[t];
          double px = left + (c.x()[t] - xmin) / (xmax - xmin) * (right - left);
          double py = bottom - (y - ymin) / (ymax - ymin) * (bottom - top);
          pts.append(String.format(Locale.ROOT, "%.2f,%.2f ", px, py));
        } else if (pts.length() > 0) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-opacity=\"%.2f\""
                      + " stroke-width=\"%s\" points=\"%s\"/>\n",
                  color,
                  opacity,
                  c.main() ? "2" : "1.2",
                  pts.toString().trim()));
          pts.setLength(0);
        }
      }
      if (c.main()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n",
                left,
                legendY - 4,
                left + 24,
                legendY - 4,
                color,
                left + 30,
                legendY,
                esc(c.name())));
        legendY += 18;
      }
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  /** Formats log-axis tick values with three significant digits, without exponents when short. */
  private static final class ShortNumberFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
      double a = Math.abs(number);
      if (number != 0 && (a >= 1e5 || a < 1e-3)) {
        return toAppendTo.append(String.format(Locale.ROOT, "%.2e", number));
      }
      String s = String.format(Locale.ROOT, "%.3g", number);
      if (s.contains(".")) {
        s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
      }
      return toAppendTo.append(s);
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
      return format((double) number, toAppendTo, pos);
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
      throw new UnsupportedOperationException("ShortNumberFormat only formats");
    }
  }

  /**
   * Round tick values inside [lo, hi]: multiples of 1, 2 or 5 times a power of ten, about {@code
   * target} of them.
   */
  static double[] niceTicks(double lo, double hi, int target) {
    double raw = (hi - lo) / Math.max(1, target);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / mag;
    double step = (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
    List<Double> ticks = new ArrayList<>();
    for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      // Snap away floating-point residue such as 0.30000000000000004.
      ticks.add(Math.round(t / step) * step);
    }
    return ticks.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
