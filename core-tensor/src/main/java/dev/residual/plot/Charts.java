package dev.residual.plot;

import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;

/** The common look of the JFreeChart-based charts: white background, light grid, sans fonts. */
final class Charts {
  private static final Color GRID = new Color(0xdddddd);

  private Charts() {}

  static void stylePlot(XYPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlinePaint(Color.GRAY);
    styleAxis(plot.getDomainAxis());
    styleAxis(plot.getRangeAxis());
  }

  static void stylePlot(CategoryPlot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(GRID);
    plot.setOutlinePaint(Color.GRAY);
    styleAxis(plot.getDomainAxis());
    styleAxis(plot.getRangeAxis());
  }

  private static void styleAxis(Axis axis) {
    axis.setLabelFont(Plots.font(Font.PLAIN, 13));
    axis.setTickLabelFont(Plots.font(Font.PLAIN, 11));
  }
}
