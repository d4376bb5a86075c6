package dev.residual.rl.tabular;

import dev.residual.plot.Heatmap;
import java.util.function.IntPredicate;

/**
 * Views of tabular values and policies on a grid world, for reports: a value heatmap and a policy
 * drawn as arrows in text.
 *
 * <p>A grid is described by its {@code layout}, {@code int[rows][cols]}: the state index of each
 * cell, or -1 for a cell that is not a state (a wall, like the obstacle of Russell &amp; Norvig's
 * 4x3 world). States are commonly {@code row * cols + col}; {@link #rowMajor} builds that layout.
 */
public final class GridViews {
  private GridViews() {}

  /**
   * The layout {@code state = row * cols + col}, {@code int[rows][cols]}.
   *
   * @throws IllegalArgumentException unless {@code rows, cols >= 1}
   */
  public static int[][] rowMajor(int rows, int cols) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "GridViews.rowMajor: rows and cols must be >= 1, got " + rows + " and " + cols);
    }
    int[][] layout = new int[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        layout[r][c] = r * cols + c;
      }
    }
    return layout;
  }

  /**
   * {@code V} laid out on the grid, {@code double[rows][cols]}, with NaN in cells that are not
   * states (a {@link Heatmap} draws them grey).
   *
   * @param values {@code V}, {@code double[numStates]}
   * @throws IllegalArgumentException if the layout is empty or ragged, or names a state outside
   *     {@code [0, values.length)}
   */
  public static double[][] valueGrid(double[] values, int[][] layout) {
    check(layout, values == null ? -1 : values.length, "GridViews.valueGrid");
    double[][] g = new double[layout.length][layout[0].length];
    for (int r = 0; r < layout.length; r++) {
      for (int c = 0; c < layout[0].length; c++) {
        g[r][c] = layout[r][c] < 0 ? Double.NaN : values[layout[r][c]];
      }
    }
    return g;
  }

  /**
   * An annotated heatmap of {@code V} on the grid (diverging scale, so 0 is white).
   *
   * @throws IllegalArgumentException as {@link #valueGrid}
   */
  public static Heatmap valueHeatmap(double[] values, int[][] layout, String title) {
    return Heatmap.of(valueGrid(values, layout))
        .scale(dev.residual.plot.ColorScale.DIVERGING)
        .annotate(true)
        .title(title);
  }

  /**
   * The policy as text, one line per row, cells separated by a space: {@code symbols[a]} for the
   * action of a state, {@code "T"} for a terminal state and {@code "#"} for a cell that is not a
   * state.
   *
   * @param policy {@code int[numStates]}
   * @param symbols one string per action, e.g. {@code {"↑", "→", "↓", "←"}} for CliffWalking's
   *     action order (0 up, 1 right, 2 down, 3 left)
   * @param terminal which states are terminal (may be null: none)
   * @throws IllegalArgumentException as {@link #valueGrid}, or if an action has no symbol
   */
  public static String policyText(
      int[] policy, int[][] layout, String[] symbols, IntPredicate terminal) {
    check(layout, policy == null ? -1 : policy.length, "GridViews.policyText");
    if (symbols == null) {
      throw new IllegalArgumentException("GridViews.policyText: symbols must not be null");
    }
    StringBuilder sb = new StringBuilder();
    for (int[] row : layout) {
      for (int c = 0; c < row.length; c++) {
        int s = row[c];
        String cell;
        if (s < 0) {
          cell = "#";
        } else if (terminal != null && terminal.test(s)) {
          cell = "T";
        } else if (policy[s] < 0 || policy[s] >= symbols.length) {
          throw new IllegalArgumentException(
              "GridViews.policyText: state "
                  + s
                  + " takes action "
                  + policy[s]
                  + " but only "
                  + symbols.length
                  + " symbols were given");
        } else {
          cell = symbols[policy[s]];
        }
        sb.append(c == 0 ? "" : " ").append(cell);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void check(int[][] layout, int numStates, String op) {
    if (numStates < 0) {
      throw new IllegalArgumentException(op + ": the values/policy must not be null");
    }
    if (layout == null || layout.length == 0 || layout[0] == null || layout[0].length == 0) {
      throw new IllegalArgumentException(op + ": the layout must be a non-empty [rows][cols]");
    }
    for (int r = 0; r < layout.length; r++) {
      if (layout[r] == null || layout[r].length != layout[0].length) {
        throw new IllegalArgumentException(
            op
                + ": the layout is ragged: row "
                + r
                + " has "
                + (layout[r] == null ? "null" : layout[r].length)
                + " cells, row 0 has "
                + layout[0].length);
      }
      for (int s : layout[r]) {
        if (s >= numStates) {
          throw new IllegalArgumentException(
              op + ": the layout names state " + s + " but there are only " + numStates);
        }
      }
    }
  }
}
