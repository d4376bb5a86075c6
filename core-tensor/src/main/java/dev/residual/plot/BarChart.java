package dev.residual.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A vertical bar chart: one bar per category, or, with several series, one group of bars per
 * category (a legend names the series). Drawn with JFreeChart.
 *
 * <pre>{@code
 * new BarChart(List.of("cat", "dog", "fox")).title("accuracy by class")
 *     .series("model A", new double[] {0.9, 0.8, 0.7})
 *     .series("model B", new double[] {0.85, 0.9, 0.6})
 *     .savePng(Path.of("acc.png"), 700, 400);
 * }</pre>
 */
public final class BarChart {
  private final List<String> categories;
  private final Map<String, double[]> series = new LinkedHashMap<>();
  private String title;
  private String xLabel = "";
  private String yLabel = "value";

  /**
   * A chart over {@code categories} (distinct, at least one).
   *
   * @throws IllegalArgumentException when the list is empty or has duplicates
   */
  public BarChart(List<String> categories) {
    if (categories == null || categories.isEmpty()) {
      throw new IllegalArgumentException("BarChart: need at least one category");
    }
    if (new HashSet<>(categories).size() != categories.size()) {
      throw new IllegalArgumentException("BarChart: duplicate category in " + categories);
    }
    this.categories = new ArrayList<>(categories);
  }

  /** A chart over {@code categories} (see {@link #BarChart(List)}). */
  public BarChart(String... categories) {
    this(Arrays.asList(categories));
  }

  /** Sets the title. */
  public BarChart title(String title) {
    this.title = title;
    return this;
  }

  /** Sets the category axis label (default none). */
  public BarChart xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  /** Sets the value axis label (default "value"). */
  public BarChart yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /**
   * Adds a series: {@code values[i]} is the bar of category i.
   *
   * @throws IllegalArgumentException when the number of values differs from the number of
   *     categories or the name is already used
   */
  public BarChart series(String name, double[] values) {
    if (values.length != categories.size()) {
      throw new IllegalArgumentException(
          "BarChart.series '"
              + name
              + "': "
              + values.length
              + " values for "
              + categories.size()
              + " categories");
    }
    if (series.containsKey(name)) {
      throw new IllegalArgumentException("BarChart.series: duplicate series name '" + name + "'");
    }
    series.put(name, values.clone());
    return this;
  }

  /**
   * Renders the chart.
   *
   * @throws IllegalArgumentException when there is no series or the size is below 64 pixels
   * @throws IllegalStateException when no fonts are available (see {@link Plots})
   */
  public BufferedImage toImage(int width, int height) {
    if (series.isEmpty()) {
      throw new IllegalArgumentException("BarChart: no series to draw");
    }
    if (width < 64 || height < 64) {
      throw new IllegalArgumentException(
          "BarChart: size " + width + "x" + height + " is too small (minimum 64x64)");
    }
    return Plots.render(() -> buildChart().createBufferedImage(width, height));
  }

  /** Renders and writes a PNG atomically (see {@link Plots#savePng}). */
  public void savePng(Path path, int width, int height) {
    Plots.savePng(toImage(width, height), path);
  }

  private JFreeChart buildChart() {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      for (int i = 0; i < categories.size(); i++) {
        data.addValue(e.getValue()[i], e.getKey(), categories.get(i));
      }
    }
    BarRenderer renderer = new BarRenderer();
    // The flat painter: the default gradient looks dated and hides colour differences.
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    for (int k = 0; k < series.size(); k++) {
      renderer.setSeriesPaint(k, Plots.seriesColor(k));
    }
    CategoryAxis xAxis = new CategoryAxis(xLabel);
    if (categories.size() > 12) {
      xAxis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
    NumberAxis yAxis = new NumberAxis(yLabel);
    CategoryPlot plot = new CategoryPlot(data, xAxis, yAxis, renderer);
    Charts.stylePlot(plot);
    JFreeChart chart = new JFreeChart(null, Plots.font(Font.BOLD, 16), plot, series.size() > 1);
    if (title != null) {
      chart.setTitle(new TextTitle(title, Plots.font(Font.BOLD, 16)));
    }
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    return chart;
  }
}
