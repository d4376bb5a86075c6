package dev.residual.rl.env.toytext;

import dev.residual.plot.ColorScale;
import dev.residual.plot.Plots;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Pictures of a grid {@link dev.residual.rl.env.FiniteMdp}'s value function (a heatmap with the
 * numbers in the cells) and of a policy (one arrow per cell).
 *
 * <p>State convention: the arrays are indexed by state, and state {@code s} is drawn in row {@code
 * s / cols} (counted from the top) and column {@code s % cols}. {@link CliffWalking}, {@link
 * FrozenLake} and {@link Gridworld} all number their states that way, so their arrays go in as they
 * are: {@code values(4, 12, v, title)} for CliffWalking, {@code values(lake.rows(), lake.cols(), v,
 * title)} for FrozenLake and {@code values(3, 4, v, title)} for the gridworld (whose top row is the
 * book's row 2).
 *
 * <p>Blocked cells (the gridworld's wall, CliffWalking's cliff, FrozenLake's holes, or any mask the
 * caller likes) are drawn dark grey without a number or arrow. In a policy, a negative action means
 * "no action" (a terminal state) and leaves the cell empty. The labels {@code ← ↑ → ↓} are drawn as
 * vector arrows, so they need no font glyphs; any other label is drawn as text. Titles and numbers
 * need a font (see {@link Plots#NO_FONTS_MESSAGE}).
 */
public final class GridPlots {
  /** The side of a cell in pixels. */
  static final int CELL = 56;

  private static final int MARGIN = 16;
  private static final int TITLE_HEIGHT = 30;
  private static final int CAPTION_HEIGHT = 22;
  private static final Color BLOCKED = new Color(0x404040);
  private static final Color EMPTY = new Color(0xf4f4f4);

  private GridPlots() {}

  /**
   * A heatmap of state values with each value printed in its cell (two decimals) and the value
   * range under the grid.
   *
   * @param rows grid rows
   * @param cols grid columns
   * @param v the value of each state, {@code [rows * cols]}
   * @param title the title, or null for none
   * @throws IllegalArgumentException when {@code rows} or {@code cols} is below 1 or {@code v} has
   *     the wrong length
   */
  public static BufferedImage values(int rows, int cols, double[] v, String title) {
    return values(rows, cols, v, null, title);
  }

  /**
   * {@link #values(int, int, double[], String)} with blocked cells drawn dark grey and left out of
   * the colour range.
   *
   * @param blocked which cells are blocked, {@code [rows * cols]}, or null for none
   * @throws IllegalArgumentException as the four-argument version, or when {@code blocked} has the
   *     wrong length
   */
  public static BufferedImage values(
      int rows, int cols, double[] v, boolean[] blocked, String title) {
    check("values", rows, cols, "v", v == null ? -1 : v.length);
    check("values", rows, cols, "blocked", blocked == null ? rows * cols : blocked.length);
    return draw(rows, cols, v, null, null, blocked, title);
  }

  /**
   * A policy: in each cell the label of its action (a vector arrow for {@code ← ↑ → ↓}).
   *
   * @param rows grid rows
   * @param cols grid columns
   * @param actionPerState the action of each state, {@code [rows * cols]}; negative for none
   * @param arrowForAction the label of an action, e.g. {@link CliffWalking#arrow}, {@link
   *     FrozenLake#arrow} or {@link Gridworld#arrow}
   * @param blocked which cells are blocked, {@code [rows * cols]}, or null for none
   * @param title the title, or null for none
   * @throws IllegalArgumentException when {@code rows} or {@code cols} is below 1, an array has the
   *     wrong length or {@code arrowForAction} is null
   */
  public static BufferedImage policy(
      int rows,
      int cols,
      int[] actionPerState,
      IntFunction<String> arrowForAction,
      boolean[] blocked,
      String title) {
    return policy(rows, cols, actionPerState, arrowForAction, blocked, null, title);
  }

  /**
   * {@link #policy(int, int, int[], IntFunction, boolean[], String)} drawn over a value heatmap
   * (cells coloured by {@code v}, no numbers).
   *
   * @param v the value of each state, {@code [rows * cols]}, or null for plain cells
   * @throws IllegalArgumentException as the other version, or when {@code v} has the wrong length
   */
  public static BufferedImage policy(
      int rows,
      int cols,
      int[] actionPerState,
      IntFunction<String> arrowForAction,
      boolean[] blocked,
      double[] v,
      String title) {
    check(
        "policy",
        rows,
        cols,
        "actionPerState",
        actionPerState == null ? -1 : actionPerState.length);
    check("policy", rows, cols, "blocked", blocked == null ? rows * cols : blocked.length);
    check("policy", rows, cols, "v", v == null ? rows * cols : v.length);
    if (arrowForAction == null) {
      throw new IllegalArgumentException("GridPlots.policy: arrowForAction must not be null");
    }
    return draw(rows, cols, v, actionPerState, arrowForAction, blocked, title);
  }

  private static void check(String op, int rows, int cols, String name, int length) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "GridPlots." + op + ": grid " + rows + "x" + cols + " needs rows and cols >= 1");
    }
    if (length != rows * cols) {
      throw new IllegalArgumentException(
          "GridPlots."
              + op
              + ": "
              + name
              + (length < 0 ? " is null" : " has length " + length)
              + ", expected rows * cols = "
              + rows
              + " * "
              + cols
              + " = "
              + rows * cols);
    }
  }

  private static BufferedImage draw(
      int rows,
      int cols,
      double[] v,
      int[] actions,
      IntFunction<String> labels,
      boolean[] blocked,
      String title) {
    Plots.ensureHeadless();
    boolean numbers = actions == null;
    int top = MARGIN + (title == null ? 0 : TITLE_HEIGHT);
    // Wide enough for the title and caption (roughly 9 and 6 pixels a character); the grid is
    // centred.
    int width =
        Math.max(
            cols * CELL + 2 * MARGIN,
            Math.max(numbers ? 330 : 0, title == null ? 0 : title.length() * 9 + 2 * MARGIN));
    int left = (width - cols * CELL) / 2;
    int height = top + rows * CELL + MARGIN + (numbers ? CAPTION_HEIGHT : 0);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    if (v != null) {
      for (int s = 0; s < v.length; s++) {
        if ((blocked == null || !blocked[s]) && Double.isFinite(v[s])) {
          lo = Math.min(lo, v[s]);
          hi = Math.max(hi, v[s]);
        }
      }
    }
    // A constant (or empty) value function still needs a range; centre it on the mid colour.
    double cLo = lo > hi ? 0 : lo == hi ? lo - 0.5 : lo;
    double cHi = lo > hi ? 1 : lo == hi ? hi + 0.5 : hi;

    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      if (title != null) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (width - fm.stringWidth(title)) / 2f, MARGIN + fm.getAscent());
      }
      Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
      for (int s = 0; s < rows * cols; s++) {
        int x = left + (s % cols) * CELL;
        int y = top + (s / cols) * CELL;
        boolean isBlocked = blocked != null && blocked[s];
        Color bg;
        if (isBlocked) {
          bg = BLOCKED;
        } else if (v != null && Double.isFinite(v[s])) {
          bg = ColorScale.VIRIDIS.at(v[s], cLo, cHi);
        } else {
          bg = EMPTY;
        }
        g.setColor(bg);
        g.fillRect(x, y, CELL, CELL);
        if (isBlocked) {
          continue;
        }
        double lum = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
        Color ink = lum < 128 ? Color.WHITE : Color.BLACK;
        g.setColor(ink);
        if (numbers) {
          String text =
              Double.isFinite(v[s])
                  ? String.format(Locale.ROOT, "%.2f", v[s])
                  : String.valueOf(v[s]);
          if (text.matches("-0\\.00")) {
            text = "0.00";
          }
          drawCentered(g, cellFont, text, x + CELL / 2.0, y + CELL / 2.0);
        } else if (actions[s] >= 0) {
          String label = labels.apply(actions[s]);
          if (label != null && !drawArrow(g, label, x + CELL / 2.0, y + CELL / 2.0)) {
            drawCentered(g, cellFont, label, x + CELL / 2.0, y + CELL / 2.0);
          }
        }
      }
      g.setColor(new Color(0x505050));
      g.setStroke(new BasicStroke(1f));
      for (int r = 0; r <= rows; r++) {
        g.drawLine(left, top + r * CELL, left + cols * CELL, top + r * CELL);
      }
      for (int c = 0; c <= cols; c++) {
        g.drawLine(left + c * CELL, top, left + c * CELL, top + rows * CELL);
      }
      if (numbers && lo <= hi) {
        g.setColor(Color.DARK_GRAY);
        String caption =
            String.format(
                Locale.ROOT, "values in [%.3f, %.3f] (dark = low, yellow = high)", lo, hi);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(caption, MARGIN, top + rows * CELL + 16);
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void drawCentered(Graphics2D g, Font font, String text, double cx, double cy) {
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(
        text, (float) (cx - fm.stringWidth(text) / 2.0), (float) (cy + fm.getAscent() / 2.0 - 2));
  }

  /** Draws {@code ← ↑ → ↓} as a vector arrow; false for any other label. */
  private static boolean drawArrow(Graphics2D g, String label, double cx, double cy) {
    double dx;
    double dy;
    switch (label) {
      case "←" -> {
        dx = -1;
        dy = 0;
      }
      case "→" -> {
        dx = 1;
        dy = 0;
      }
      case "↑" -> {
        dx = 0;
        dy = -1;
      }
      case "↓" -> {
        dx = 0;
        dy = 1;
      }
      default -> {
        return false;
      }
    }
    double len = CELL * 0.32;
    double head = CELL * 0.14;
    double tipX = cx + dx * len;
    double tipY = cy + dy * len;
    g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    Path2D.Double shaft = new Path2D.Double();
    shaft.moveTo(cx - dx * len, cy - dy * len);
    shaft.lineTo(tipX - dx * head * 0.5, tipY - dy * head * 0.5);
    g.draw(shaft);
    Path2D.Double tip = new Path2D.Double();
    tip.moveTo(tipX, tipY);
    // The head's base is perpendicular to the direction (dx, dy), i.e. along (-dy, dx).
    tip.lineTo(tipX - dx * head - dy * head * 0.6, tipY - dy * head + dx * head * 0.6);
    tip.lineTo(tipX - dx * head + dy * head * 0.6, tipY - dy * head - dx * head * 0.6);
    tip.closePath();
    g.fill(tip);
    return true;
  }
}
