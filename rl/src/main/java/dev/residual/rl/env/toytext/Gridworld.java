package dev.residual.rl.env.toytext;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The 4x3 gridworld of Russell &amp; Norvig (<i>AIMA</i>, chapter 17), with explicit tables.
 *
 * <pre>
 *   row 2   .  .  .  +1        states  0  1  2  3
 *   row 1   .  #  .  −1                4  5  6  7
 *   row 0   S  .  .  .                 8  9 10 11
 *         col 0  1  2  3
 * </pre>
 *
 * <ul>
 *   <li>Cells are {@code (col, row)} with row 0 at the bottom, as in the book: the wall # is at (1,
 *       1), the terminals at (3, 2) (+1) and (3, 1) (−1), the start S at (0, 0).
 *   <li>States: {@code Discrete(12)}, numbered row-major <em>from the top</em> so that {@link
 *       GridPlots} draws them the book's way up: {@code state = (2 − row) * 4 + col}. The start is
 *       state 8, the terminals 3 (+1) and 7 (−1), the wall 5. The wall is a state only so that the
 *       grid stays rectangular: it is never occupied, and {@link #isTerminal} reports it terminal
 *       (absorbing, value 0) so that planners, exact linear solves included, need no special case;
 *       {@link #blockedMask()} marks it for plots.
 *   <li>Actions: {@code Discrete(4)}: 0 up, 1 right, 2 down, 3 left.
 *   <li>Dynamics (the defaults, as the issue asks): the intended direction with probability 0.7 and
 *       each of the three other directions with 0.1. A move into the wall or off the grid leaves
 *       the agent in place. {@link #russellNorvig()} gives the book's own model instead: 0.8
 *       intended and 0.1 for each perpendicular direction.
 *   <li>Rewards: −0.04 on every transition into a non-terminal cell, +1 or −1 on the transition
 *       into the corresponding terminal (instead of −0.04). Entering a terminal terminates.
 *   <li>{@code P[s][a]} lists one outcome per distinct next state, in increasing state order, with
 *       the probabilities of directions that land on the same cell added up. The rows of the
 *       terminals and of the wall are the absorbing {@code (1, s, 0, true)}.
 * </ul>
 *
 * <p>Relation to the book's utilities: the book's {@code U(s) = R(s) + γ max_a Σ P(s'|s, a) U(s')}
 * counts the reward of the state one is in, {@code U(terminal) = ±1}. Here the reward comes with
 * the transition into {@code s'}, so for γ = 1 the value of a non-terminal state is {@code V(s) =
 * U(s) − R(s) = U(s) + 0.04}. With the book's model, γ = 1 and −0.04, its figure 17.3 gives {@code
 * U(start) = 0.705}, so {@code V*(8) ≈ 0.745}.
 */
public final class Gridworld extends TabularEnv {
  /** How a move that does not go the intended way is spread over the other directions. */
  public enum Slip {
    /** The remaining probability split evenly over the three other directions. */
    OTHER_THREE,
    /** The remaining probability split evenly over the two perpendicular directions (the book). */
    PERPENDICULAR
  }

  /** Grid rows. */
  public static final int ROWS = 3;

  /** Grid columns. */
  public static final int COLS = 4;

  /** The start state, cell (0, 0). */
  public static final int START = 8;

  /** The +1 terminal state, cell (3, 2). */
  public static final int GOAL = 3;

  /** The −1 terminal state, cell (3, 1). */
  public static final int PIT = 7;

  /** The wall, cell (1, 1). */
  public static final int WALL = 5;

  /** Action: move up (row + 1 in the book's coordinates). */
  public static final int UP = 0;

  /** Action: move right (column + 1). */
  public static final int RIGHT = 1;

  /** Action: move down (row − 1 in the book's coordinates). */
  public static final int DOWN = 2;

  /** Action: move left (column − 1). */
  public static final int LEFT = 3;

  private static final int[] DCOL = {0, 1, 0, -1};
  private static final int[] DROW = {1, 0, -1, 0};
  private static final String[] ARROWS = {"↑", "→", "↓", "←"};

  private final double intended;
  private final Slip slip;
  private final double stepReward;

  /** The gridworld: 0.7 intended, 0.1 for each other direction, −0.04 a step. */
  public Gridworld() {
    this(0.7, Slip.OTHER_THREE, -0.04);
  }

  /**
   * A gridworld with other noise or step reward.
   *
   * @param intendedProbability the probability of moving the intended way, in {@code [0, 1]}
   * @param slip how the rest is spread over the other directions
   * @param stepReward the reward of a transition into a non-terminal cell
   * @throws IllegalArgumentException when the probability is out of range, {@code slip} is null or
   *     the reward is not finite
   */
  public Gridworld(double intendedProbability, Slip slip, double stepReward) {
    super(
        buildTable(check(intendedProbability, slip, stepReward), slip, stepReward),
        start(),
        terminals());
    this.intended = intendedProbability;
    this.slip = slip;
    this.stepReward = stepReward;
  }

  /** The book's model: 0.8 intended, 0.1 for each perpendicular direction, −0.04 a step. */
  public static Gridworld russellNorvig() {
    return new Gridworld(0.8, Slip.PERPENDICULAR, -0.04);
  }

  private static double check(double p, Slip slip, double stepReward) {
    if (!(p >= 0 && p <= 1) || slip == null || !Double.isFinite(stepReward)) {
      throw new IllegalArgumentException(
          "Gridworld: need intendedProbability in [0, 1], a slip mode and a finite step reward,"
              + " got "
              + p
              + ", "
              + slip
              + ", "
              + stepReward);
    }
    return p;
  }

  /**
   * The state of cell {@code (col, row)}, row 0 at the bottom: {@code (2 − row) * 4 + col}.
   *
   * @throws IllegalArgumentException when the cell is outside the grid
   */
  public static int state(int col, int row) {
    if (col < 0 || col >= COLS || row < 0 || row >= ROWS) {
      throw new IllegalArgumentException(
          "Gridworld.state: cell (" + col + ", " + row + ") is outside the 4x3 grid");
    }
    return (ROWS - 1 - row) * COLS + col;
  }

  /** The column of a state. */
  public static int col(int state) {
    return state % COLS;
  }

  /** The row of a state, 0 at the bottom. */
  public static int row(int state) {
    return ROWS - 1 - state / COLS;
  }

  /** The wall as a mask over the 12 states (for {@link GridPlots}). */
  public static boolean[] blockedMask() {
    boolean[] m = new boolean[ROWS * COLS];
    m[WALL] = true;
    return m;
  }

  /**
   * The arrow glyph of an action ({@code ↑ → ↓ ←}), for {@link GridPlots#policy}.
   *
   * @throws IllegalArgumentException when the action is not 0 … 3
   */
  public static String arrow(int action) {
    if (action < 0 || action > 3) {
      throw new IllegalArgumentException("Gridworld.arrow: action " + action + " not in 0..3");
    }
    return ARROWS[action];
  }

  /** The probability of moving the intended way. */
  public double intendedProbability() {
    return intended;
  }

  /** How the other moves are spread. */
  public Slip slip() {
    return slip;
  }

  /** The reward of a transition into a non-terminal cell. */
  public double stepReward() {
    return stepReward;
  }

  private static List<List<List<Transition>>> buildTable(double p, Slip slip, double stepReward) {
    List<List<List<Transition>>> table = new ArrayList<>(ROWS * COLS);
    for (int s = 0; s < ROWS * COLS; s++) {
      List<List<Transition>> row = new ArrayList<>(4);
      for (int a = 0; a < 4; a++) {
        if (s == GOAL || s == PIT || s == WALL) {
          row.add(List.of(new Transition(1.0, s, 0.0, true)));
          continue;
        }
        double[] dirProb = new double[4];
        dirProb[a] = p;
        if (slip == Slip.OTHER_THREE) {
          for (int d = 0; d < 4; d++) {
            if (d != a) {
              dirProb[d] = (1 - p) / 3;
            }
          }
        } else {
          dirProb[(a + 1) % 4] = (1 - p) / 2;
          dirProb[(a + 3) % 4] = (1 - p) / 2;
        }
        TreeMap<Integer, Double> byNext = new TreeMap<>();
        for (int d = 0; d < 4; d++) {
          if (dirProb[d] > 0) {
            byNext.merge(moveFrom(s, d), dirProb[d], Double::sum);
          }
        }
        List<Transition> outcomes = new ArrayList<>(byNext.size());
        byNext.forEach(
            (next, q) -> {
              double r = next == GOAL ? 1.0 : next == PIT ? -1.0 : stepReward;
              outcomes.add(new Transition(q, next, r, next == GOAL || next == PIT));
            });
        row.add(outcomes);
      }
      table.add(row);
    }
    return table;
  }

  private static int moveFrom(int s, int direction) {
    int c = col(s) + DCOL[direction];
    int r = row(s) + DROW[direction];
    if (c < 0 || c >= COLS || r < 0 || r >= ROWS) {
      return s;
    }
    int next = state(c, r);
    return next == WALL ? s : next;
  }

  private static double[] start() {
    double[] d = new double[ROWS * COLS];
    d[START] = 1.0;
    return d;
  }

  private static boolean[] terminals() {
    boolean[] t = new boolean[ROWS * COLS];
    t[GOAL] = true;
    t[PIT] = true;
    t[WALL] = true;
    return t;
  }

  /**
   * The grid as an RGB image, 32 pixels a cell: the wall dark grey, +1 green, −1 red, the start
   * light blue, other cells light grey, the agent a red disc (absent before the first reset).
   */
  @Override
  public Optional<BufferedImage> render() {
    Color[] colors = new Color[ROWS * COLS];
    for (int s = 0; s < colors.length; s++) {
      colors[s] =
          switch (s) {
            case WALL -> new Color(0x404040);
            case GOAL -> new Color(0x33a02c);
            case PIT -> new Color(0xe31a1c);
            case START -> new Color(0xa6cee3);
            default -> new Color(0xeeeeee);
          };
    }
    return Optional.of(GridRender.draw(ROWS, COLS, colors, state()));
  }
}
