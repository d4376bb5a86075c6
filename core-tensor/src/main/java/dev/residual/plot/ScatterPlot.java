package dev.residual.plot;

import dev.residual.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A scatter plot of 2-D points, in one or more named groups, with optional point labels and
 * optional arrows from the origin to each point: the picture of feature directions in a 2-D
 * embedding (toy models of superposition). Drawn with JFreeChart; with arrows the axes are made
 * symmetric about zero and include the origin.
 *
 * <pre>{@code
 * new ScatterPlot().title("W columns").arrows(true)
 *     .points("features", xs, ys, List.of("f0", "f1", "f2", "f3", "f4"))
 *     .savePng(Path.of("features.png"), 600, 600);
 * }</pre>
 */
public final class ScatterPlot {
  private record Group(String name, double[] x, double[] y, List<String> labels) {}

  private final List<Group> groups = new ArrayList<>();
  private String title;
  private String xLabel = "x";
  private String yLabel = "y";
  private boolean arrows;

  /** An empty plot. */
  public ScatterPlot() {}

  /** Sets the title. */
  public ScatterPlot title(String title) {
    this.title = title;
    return this;
  }

  /** Sets the x axis label (default "x"). */
  public ScatterPlot xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  /** Sets the y axis label (default "y"). */
  public ScatterPlot yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /** Whether to draw an arrow from the origin to every point (default false). */
  public ScatterPlot arrows(boolean arrows) {
    this.arrows = arrows;
    return this;
  }

  /**
   * Adds a group of points {@code (x[i], y[i])}, each labelled {@code labels.get(i)} when {@code
   * labels} is non-null.
   *
   * @throws IllegalArgumentException when the lengths of x, y and labels differ
   */
  public ScatterPlot points(String name, double[] x, double[] y, List<String> labels) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "ScatterPlot.points '" + name + "': " + x.length + " x values but " + y.length + " y");
    }
    if (labels != null && labels.size() != x.length) {
      throw new IllegalArgumentException(
          "ScatterPlot.points '"
              + name
              + "': "
              + labels.size()
              + " labels for "
              + x.length
              + " points");
    }
    groups.add(
        new Group(name, x.clone(), y.clone(), labels == null ? null : new ArrayList<>(labels)));
    return this;
  }

  /** Adds a group of unlabelled points. */
  public ScatterPlot points(String name, double[] x, double[] y) {
    return points(name, x, y, null);
  }

  /**
   * Adds a group from a tensor {@code [n, 2]} (row i is point i), e.g. the columns of a {@code [2,
   * n]} weight matrix transposed.
   *
   * @throws IllegalArgumentException when the tensor is not {@code [n, 2]} or the label count is
   *     not n
   */
  public ScatterPlot points(String name, Tensor xy, List<String> labels) {
    if (xy.dim() != 2 || xy.shape()[1] != 2) {
      throw new IllegalArgumentException(
          "ScatterPlot.points '"
              + name
              + "': expected a tensor [n, 2], got shape "
              + Arrays.toString(xy.shape()));
    }
    int n = (int) xy.shape()[0];
    double[] flat = xy.detach().contiguous().toDoubleArray();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = flat[2 * i];
      y[i] = flat[2 * i + 1];
    }
    return points(name, x, y, labels);
  }

  /**
   * Renders the plot.
   *
   * @throws IllegalArgumentException when there are no points or the size is below 64 pixels
   * @throws IllegalStateException when no fonts are available (see {@link Plots})
   */
  public BufferedImage toImage(int width, int height) {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("ScatterPlot: no points to draw");
    }
    if (width < 64 || height < 64) {
      throw new IllegalArgumentException(
          "ScatterPlot: size " + width + "x" + height + " is too small (minimum 64x64)");
    }
    return Plots.render(() -> buildChart().createBufferedImage(width, height));
  }

  /** Renders and writes a PNG atomically (see {@link Plots#savePng}). */
  public void savePng(Path path, int width, int height) {
    Plots.savePng(toImage(width, height), path);
  }

  private JFreeChart buildChart() {
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
    NumberAxis xAxis = new NumberAxis(xLabel);
    NumberAxis yAxis = new NumberAxis(yLabel);
    XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
    double extent = 0;
    for (int k = 0; k < groups.size(); k++) {
      Group gr = groups.get(k);
      XYSeries s = new XYSeries(gr.name() + "#" + k, false, true);
      Color color = Plots.seriesColor(k);
      for (int i = 0; i < gr.x().length; i++) {
        s.add(gr.x()[i], gr.y()[i]);
        extent = Math.max(extent, Math.max(Math.abs(gr.x()[i]), Math.abs(gr.y()[i])));
        if (arrows) {
          plot.addAnnotation(new ArrowAnnotation(gr.x()[i], gr.y()[i], color));
        }
        if (gr.labels() != null) {
          plot.addAnnotation(new PointLabel(gr.labels().get(i), gr.x()[i], gr.y()[i], arrows));
        }
      }
      data.addSeries(s);
      renderer.setSeriesPaint(k, color);
      double radius = arrows ? 2.5 : 4;
      renderer.setSeriesShape(k, new Ellipse2D.Double(-radius, -radius, 2 * radius, 2 * radius));
    }
    renderer.setLegendItemLabelGenerator(
        (dataset, series) -> {
          String key = String.valueOf(dataset.getSeriesKey(series));
          return key.substring(0, key.lastIndexOf('#'));
        });
    if (arrows) {
      double r = extent == 0 ? 1 : extent * 1.25;
      xAxis.setRange(-r, r);
      yAxis.setRange(-r, r);
    } else {
      xAxis.setAutoRangeIncludesZero(false);
      yAxis.setAutoRangeIncludesZero(false);
    }
    Charts.stylePlot(plot);
    JFreeChart chart = new JFreeChart(null, Plots.font(Font.BOLD, 16), plot, groups.size() > 1);
    if (title != null) {
      chart.setTitle(new TextTitle(title, Plots.font(Font.BOLD, 16)));
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    return chart;
  }

  /**
   * A point's label, placed a few pixels away from the marker: up and to the right, or, with
   * arrows, beyond the arrowhead along the arrow so it never sits on the line.
   */
  private static final class PointLabel extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;
    private final String text;
    private final double x;
    private final double y;
    private final boolean radial;

    PointLabel(String text, double x, double y, boolean radial) {
      this.text = text;
      this.x = x;
      this.y = y;
      this.radial = radial;
    }

    @Override
    public void draw(
        Graphics2D g2,
        XYPlot plot,
        Rectangle2D dataArea,
        ValueAxis domainAxis,
        ValueAxis rangeAxis,
        int rendererIndex,
        PlotRenderingInfo info) {
      double px = domainAxis.valueToJava2D(x, dataArea, plot.getDomainAxisEdge());
      double py = rangeAxis.valueToJava2D(y, dataArea, plot.getRangeAxisEdge());
      g2.setFont(Plots.font(Font.PLAIN, 12));
      g2.setPaint(Color.BLACK);
      FontMetrics fm = g2.getFontMetrics();
      double w = fm.stringWidth(text);
      double ux = 0.7071;
      double uy = -0.7071;
      if (radial) {
        double ox = domainAxis.valueToJava2D(0, dataArea, plot.getDomainAxisEdge());
        double oy = rangeAxis.valueToJava2D(0, dataArea, plot.getRangeAxisEdge());
        double len = Math.hypot(px - ox, py - oy);
        if (len >= 1) {
          ux = (px - ox) / len;
          uy = (py - oy) / len;
        }
      }
      // Centre the text box on a point 10 px out, shifted so its near edge clears the marker.
      double cx = px + ux * (10 + w / 2);
      double cy = py + uy * (10 + fm.getAscent() / 2.0);
      g2.drawString(text, (float) (cx - w / 2), (float) (cy + fm.getAscent() / 2.0 - 1));
    }
  }

  /** A line from the origin to (x, y) with an arrowhead at (x, y), sized in pixels. */
  private static final class ArrowAnnotation extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;
    private final double x;
    private final double y;
    private final Color color;

    ArrowAnnotation(double x, double y, Color color) {
      this.x = x;
      this.y = y;
      this.color = color;
    }

    @Override
    public void draw(
        Graphics2D g2,
        XYPlot plot,
        Rectangle2D dataArea,
        ValueAxis domainAxis,
        ValueAxis rangeAxis,
        int rendererIndex,
        PlotRenderingInfo info) {
      RectangleEdge xEdge = plot.getDomainAxisEdge();
      RectangleEdge yEdge = plot.getRangeAxisEdge();
      double x0 = domainAxis.valueToJava2D(0, dataArea, xEdge);
      double y0 = rangeAxis.valueToJava2D(0, dataArea, yEdge);
      double x1 = domainAxis.valueToJava2D(x, dataArea, xEdge);
      double y1 = rangeAxis.valueToJava2D(y, dataArea, yEdge);
      double len = Math.hypot(x1 - x0, y1 - y0);
      if (len < 1) {
        return;
      }
      g2.setPaint(color);
      g2.setStroke(new BasicStroke(1.5f));
      g2.draw(new Line2D.Double(x0, y0, x1, y1));
      double ux = (x1 - x0) / len;
      double uy = (y1 - y0) / len;
      double head = Math.min(10, len / 2);
      Path2D.Double tip = new Path2D.Double();
      tip.moveTo(x1, y1);
      tip.lineTo(x1 - head * ux + head * 0.45 * uy, y1 - head * uy - head * 0.45 * ux);
      tip.lineTo(x1 - head * ux - head * 0.45 * uy, y1 - head * uy + head * 0.45 * ux);
      tip.closePath();
      Shape s = tip;
      g2.fill(s);
    }
  }
}
