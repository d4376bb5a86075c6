/**
 * Headless charts that return {@link java.awt.image.BufferedImage}s and save PNGs: {@link
 * dev.residual.plot.LineChart} (metric curves, EMA smoothing, runs overlaid, log y; also a minimal
 * SVG), {@link dev.residual.plot.Heatmap} (labelled matrices with a colour bar: attention patterns,
 * confusion matrices), {@link dev.residual.plot.ScatterPlot} (labelled points, arrows from the
 * origin), {@link dev.residual.plot.BarChart} (grouped bars), {@link dev.residual.plot.ImageGrid}
 * and {@link dev.residual.plot.Images} (image tensors to pictures), with {@link
 * dev.residual.plot.ColorScale} ramps and {@link dev.residual.plot.Plots} (atomic PNG writing,
 * headless set-up).
 *
 * <p>Line, scatter and bar charts are drawn by JFreeChart, heatmaps and image grids directly with
 * Java2D. Everything works without a display: {@code java.awt.headless} is set to true when unset
 * and no display is present. Text needs at least one font installed; on a machine without fonts
 * rendering fails with an {@link java.lang.IllegalStateException} naming the package to install
 * (Debian: {@code fonts-dejavu-core}).
 *
 * <p>Not here: logging images and metrics of a run (that is {@code dev.residual.track}, which uses
 * these charts for its reports), interactive or on-screen display, and SVG output for charts other
 * than line charts.
 */
package dev.residual.plot;
