package dev.residual.rl.env.toytext;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gymnasium's {@code CliffWalking-v0} (Sutton &amp; Barto, example 6.6): a 4x12 grid walked from
 * the bottom-left corner to the bottom-right one along a cliff.
 *
 * <pre>
 *   row 0   . . . . . . . . . . . .
 *   row 1   . . . . . . . . . . . .
 *   row 2   . . . . . . . . . . . .
 *   row 3   S C C C C C C C C C C G
 * </pre>
 *
 * <ul>
 *   <li>States: {@code Discrete(48)}, {@code state = row * 12 + col}, row-major from the top (the
 *       layout {@link GridPlots} expects). The start S is state 36 (row 3, col 0), the goal G state
 *       47; the cliff C is states 37 … 46.
 *   <li>Actions: {@code Discrete(4)}: 0 up, 1 right, 2 down, 3 left. Moves are deterministic; a
 *       move off the grid leaves the agent in place.
 *   <li>Rewards: −1 per step. Stepping into the cliff gives −100 and puts the agent back on the
 *       start <em>without</em> ending the episode. Reaching the goal gives −1 and terminates.
 *   <li>There is no time limit (Gymnasium registers {@code CliffWalking-v0} without one).
 * </ul>
 *
 * <p>The {@link dev.residual.rl.env.FiniteMdp} table is Gymnasium's {@code P}, with one deliberate
 * difference: the goal's rows are the absorbing {@code (1, 47, 0, terminated)}, as the {@code
 * FiniteMdp} contract asks (Gymnasium computes them as ordinary moves, which no episode can take).
 * The cliff states' rows are ordinary moves, as in Gymnasium; those states are never occupied. With
 * γ = 1 the optimal return from the start is −13 (up, 11 × right, down).
 */
public final class CliffWalking extends TabularEnv {
  /** Grid rows. */
  public static final int ROWS = 4;

  /** Grid columns. */
  public static final int COLS = 12;

  /** The start state (row 3, column 0). */
  public static final int START = 36;

  /** The goal state (row 3, column 11). */
  public static final int GOAL = 47;

  /** Action: move up (row − 1). */
  public static final int UP = 0;

  /** Action: move right (column + 1). */
  public static final int RIGHT = 1;

  /** Action: move down (row + 1). */
  public static final int DOWN = 2;

  /** Action: move left (column − 1). */
  public static final int LEFT = 3;

  private static final int[] DROW = {-1, 0, 1, 0};
  private static final int[] DCOL = {0, 1, 0, -1};
  private static final String[] ARROWS = {"↑", "→", "↓", "←"};

  /** A new environment; call {@code reset} before stepping. */
  public CliffWalking() {
    super(buildTable(), startDistribution(), terminalFlags());
  }

  /** The state index of a cell, {@code row * 12 + col}. */
  public static int state(int row, int col) {
    if (row < 0 || row >= ROWS || col < 0 || col >= COLS) {
      throw new IllegalArgumentException(
          "CliffWalking.state: cell (" + row + ", " + col + ") is outside the 4x12 grid");
    }
    return row * COLS + col;
  }

  /** Whether {@code state} is a cliff cell (37 … 46). */
  public static boolean isCliff(int state) {
    return state > START && state < GOAL;
  }

  /** The cliff cells as a mask over the 48 states (for {@link GridPlots}). */
  public static boolean[] cliffMask() {
    boolean[] m = new boolean[ROWS * COLS];
    for (int s = START + 1; s < GOAL; s++) {
      m[s] = true;
    }
    return m;
  }

  /**
   * The arrow glyph of an action ({@code ↑ → ↓ ←}), for {@link GridPlots#policy}.
   *
   * @throws IllegalArgumentException when the action is not 0 … 3
   */
  public static String arrow(int action) {
    if (action < 0 || action > 3) {
      throw new IllegalArgumentException("CliffWalking.arrow: action " + action + " not in 0..3");
    }
    return ARROWS[action];
  }

  private static List<List<List<Transition>>> buildTable() {
    List<List<List<Transition>>> table = new ArrayList<>(ROWS * COLS);
    for (int s = 0; s < ROWS * COLS; s++) {
      List<List<Transition>> row = new ArrayList<>(4);
      for (int a = 0; a < 4; a++) {
        if (s == GOAL) {
          row.add(List.of(new Transition(1.0, GOAL, 0.0, true)));
          continue;
        }
        int r = Math.min(ROWS - 1, Math.max(0, s / COLS + DROW[a]));
        int c = Math.min(COLS - 1, Math.max(0, s % COLS + DCOL[a]));
        int next = r * COLS + c;
        if (isCliff(next)) {
          row.add(List.of(new Transition(1.0, START, -100.0, false)));
        } else {
          row.add(List.of(new Transition(1.0, next, -1.0, next == GOAL)));
        }
      }
      table.add(row);
    }
    return table;
  }

  private static double[] startDistribution() {
    double[] d = new double[ROWS * COLS];
    d[START] = 1.0;
    return d;
  }

  private static boolean[] terminalFlags() {
    boolean[] t = new boolean[ROWS * COLS];
    t[GOAL] = true;
    return t;
  }

  /**
   * The grid as an RGB image, 32 pixels a cell: plain cells light grey, the cliff dark brown, the
   * start light blue, the goal green, the agent a red disc (absent before the first reset).
   */
  @Override
  public Optional<BufferedImage> render() {
    Color[] colors = new Color[ROWS * COLS];
    for (int s = 0; s < colors.length; s++) {
      if (isCliff(s)) {
        colors[s] = new Color(0x5a3a22);
      } else if (s == START) {
        colors[s] = new Color(0xa6cee3);
      } else if (s == GOAL) {
        colors[s] = new Color(0x33a02c);
      } else {
        colors[s] = new Color(0xeeeeee);
      }
    }
    return Optional.of(GridRender.draw(ROWS, COLS, colors, state()));
  }
}
