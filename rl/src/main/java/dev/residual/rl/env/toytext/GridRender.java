package dev.residual.rl.env.toytext;

import dev.residual.plot.Plots;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws a grid environment's frame: coloured cells (row-major from the top) with the agent as a
 * disc. Text-free, so it needs no fonts.
 */
final class GridRender {
  /** The side of a cell in pixels. */
  static final int CELL = 32;

  static final Color AGENT = new Color(0xd62728);
  static final Color GRID_LINE = new Color(0x505050);

  private GridRender() {}

  /**
   * @param rows grid rows
   * @param cols grid columns
   * @param cellColors one colour per cell, {@code [rows * cols]}, row-major from the top
   * @param agentCell the cell holding the agent, or -1 for none
   * @return a {@code TYPE_INT_RGB} image of {@code cols * CELL} by {@code rows * CELL} pixels
   */
  static BufferedImage draw(int rows, int cols, Color[] cellColors, int agentCell) {
    Plots.ensureHeadless();
    BufferedImage img = new BufferedImage(cols * CELL, rows * CELL, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          g.setColor(cellColors[r * cols + c]);
          g.fillRect(c * CELL, r * CELL, CELL, CELL);
        }
      }
      g.setColor(GRID_LINE);
      g.setStroke(new BasicStroke(1f));
      for (int r = 0; r <= rows; r++) {
        int y = Math.min(r * CELL, rows * CELL - 1);
        g.drawLine(0, y, cols * CELL - 1, y);
      }
      for (int c = 0; c <= cols; c++) {
        int x = Math.min(c * CELL, cols * CELL - 1);
        g.drawLine(x, 0, x, rows * CELL - 1);
      }
      if (agentCell >= 0) {
        int r = agentCell / cols;
        int c = agentCell % cols;
        int pad = CELL / 5;
        g.setColor(AGENT);
        g.fillOval(c * CELL + pad, r * CELL + pad, CELL - 2 * pad, CELL - 2 * pad);
        g.setColor(Color.BLACK);
        g.drawOval(c * CELL + pad, r * CELL + pad, CELL - 2 * pad, CELL - 2 * pad);
      }
    } finally {
      g.dispose();
    }
    return img;
  }
}
