package dev.residual.rl.env.toytext;

import dev.residual.tensor.Generator;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gymnasium's {@code FrozenLake-v1}: cross a frozen lake from S to G without falling into a hole.
 *
 * <ul>
 *   <li>The map is rows of letters: S start, F frozen, H hole, G goal. {@link #MAP_4X4} and {@link
 *       #MAP_8X8} are Gymnasium's defaults; any rectangular map of those letters with at least one
 *       S works, and {@link #randomMap} draws one with a path from S to G.
 *   <li>States: {@code Discrete(rows * cols)}, {@code state = row * cols + col}, row-major from the
 *       top (the layout {@link GridPlots} expects). The start is drawn uniformly among the S cells.
 *   <li>Actions: {@code Discrete(4)}: 0 left, 1 down, 2 right, 3 up; a move off the grid leaves the
 *       agent in place.
 *   <li>Slippery (the default): the agent moves in the intended direction or in either
 *       perpendicular one, each with probability 1/3. {@code P[s][a]} then lists three outcomes, in
 *       Gymnasium's order: direction {@code (a − 1) mod 4}, {@code a}, {@code (a + 1) mod 4};
 *       outcomes that land on the same cell (at an edge) stay separate entries, exactly as
 *       Gymnasium's table has them. Not slippery: one outcome with probability 1.
 *   <li>Rewards: 1 on entering G, 0 otherwise. Entering H or G terminates. The rows of H and G
 *       states are the absorbing {@code (1, s, 0, true)}, as in Gymnasium.
 *   <li>Time limits are a wrapper's job: Gymnasium registers {@code FrozenLake-v1} (4x4) with 100
 *       steps and {@code FrozenLake8x8-v1} with 200.
 * </ul>
 *
 * <p>Without a time limit and with γ = 1, the optimal success probability from the start (the
 * optimal value of state 0) is 14/17 ≈ 0.8235 on the slippery 4x4 map and 1 on the slippery 8x8 one
 * (a careful policy never falls in). Within the registered step limits Gymnasium notes optima of
 * about 0.74 (4x4, 100 steps) and 0.91 (8x8, 200 steps), with reward thresholds 0.70 and 0.85.
 */
public final class FrozenLake extends TabularEnv {
  /** Gymnasium's default 4x4 map. */
  public static final List<String> MAP_4X4 = List.of("SFFF", "FHFH", "FFFH", "HFFG");

  /** Gymnasium's default 8x8 map. */
  public static final List<String> MAP_8X8 =
      List.of(
          "SFFFFFFF",
          "FFFFFFFF",
          "FFFHFFFF",
          "FFFFFHFF",
          "FFFHFFFF",
          "FHHFFFHF",
          "FHFFHFHF",
          "FFFHFFFG");

  /** Action: move left (column − 1). */
  public static final int LEFT = 0;

  /** Action: move down (row + 1). */
  public static final int DOWN = 1;

  /** Action: move right (column + 1). */
  public static final int RIGHT = 2;

  /** Action: move up (row − 1). */
  public static final int UP = 3;

  private static final String[] ARROWS = {"←", "↓", "→", "↑"};

  private final List<String> desc;
  private final int rows;
  private final int cols;
  private final boolean slippery;

  /** The slippery 4x4 lake ({@code FrozenLake-v1}'s defaults). */
  public FrozenLake() {
    this(MAP_4X4, true);
  }

  /**
   * One of Gymnasium's named maps.
   *
   * @param mapName {@code "4x4"} or {@code "8x8"}
   * @param slippery whether moves slip (see the class comment)
   * @throws IllegalArgumentException for another name
   */
  public FrozenLake(String mapName, boolean slippery) {
    this(namedMap(mapName), slippery);
  }

  /**
   * A lake with a custom map.
   *
   * @param desc the rows of the map, top first, all the same length, letters from {@code SFHG}
   * @param slippery whether moves slip (see the class comment)
   * @throws IllegalArgumentException when the map is empty, ragged, has another letter or no S
   */
  public FrozenLake(List<String> desc, boolean slippery) {
    super(buildTable(checkMap(desc), slippery), startDistribution(desc), terminalFlags(desc));
    this.desc = List.copyOf(desc);
    this.rows = desc.size();
    this.cols = desc.get(0).length();
    this.slippery = slippery;
  }

  private static List<String> namedMap(String mapName) {
    if ("4x4".equals(mapName)) {
      return MAP_4X4;
    }
    if ("8x8".equals(mapName)) {
      return MAP_8X8;
    }
    throw new IllegalArgumentException(
        "FrozenLake: unknown map name '" + mapName + "' (expected \"4x4\" or \"8x8\")");
  }

  private static List<String> checkMap(List<String> desc) {
    if (desc == null || desc.isEmpty() || desc.get(0) == null || desc.get(0).isEmpty()) {
      throw new IllegalArgumentException(
          "FrozenLake: the map must have at least one row and column");
    }
    int cols = desc.get(0).length();
    boolean hasStart = false;
    for (int r = 0; r < desc.size(); r++) {
      String row = desc.get(r);
      if (row == null || row.length() != cols) {
        throw new IllegalArgumentException(
            "FrozenLake: ragged map: row "
                + r
                + " has "
                + (row == null ? 0 : row.length())
                + " columns, row 0 has "
                + cols);
      }
      for (int c = 0; c < cols; c++) {
        char ch = row.charAt(c);
        if ("SFHG".indexOf(ch) < 0) {
          throw new IllegalArgumentException(
              "FrozenLake: map letter '" + ch + "' at (" + r + ", " + c + ") is not one of SFHG");
        }
        hasStart |= ch == 'S';
      }
    }
    if (!hasStart) {
      throw new IllegalArgumentException("FrozenLake: the map has no start cell S");
    }
    return desc;
  }

  private static List<List<List<Transition>>> buildTable(List<String> desc, boolean slippery) {
    int rows = desc.size();
    int cols = desc.get(0).length();
    List<List<List<Transition>>> table = new ArrayList<>(rows * cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int s = r * cols + c;
        char letter = desc.get(r).charAt(c);
        List<List<Transition>> row = new ArrayList<>(4);
        for (int a = 0; a < 4; a++) {
          if (letter == 'G' || letter == 'H') {
            row.add(List.of(new Transition(1.0, s, 0.0, true)));
          } else if (slippery) {
            row.add(
                List.of(
                    move(desc, r, c, Math.floorMod(a - 1, 4), 1.0 / 3.0),
                    move(desc, r, c, a, 1.0 / 3.0),
                    move(desc, r, c, Math.floorMod(a + 1, 4), 1.0 / 3.0)));
          } else {
            row.add(List.of(move(desc, r, c, a, 1.0)));
          }
        }
        table.add(row);
      }
    }
    return table;
  }

  /** The outcome of moving in direction {@code a} from {@code (r, c)} (Gymnasium's {@code inc}). */
  private static Transition move(List<String> desc, int r, int c, int a, double p) {
    int rows = desc.size();
    int cols = desc.get(0).length();
    switch (a) {
      case LEFT -> c = Math.max(c - 1, 0);
      case DOWN -> r = Math.min(r + 1, rows - 1);
      case RIGHT -> c = Math.min(c + 1, cols - 1);
      default -> r = Math.max(r - 1, 0);
    }
    char letter = desc.get(r).charAt(c);
    return new Transition(
        p, r * cols + c, letter == 'G' ? 1.0 : 0.0, letter == 'G' || letter == 'H');
  }

  private static double[] startDistribution(List<String> desc) {
    int cols = desc.get(0).length();
    double[] d = new double[desc.size() * cols];
    int starts = 0;
    for (int s = 0; s < d.length; s++) {
      if (desc.get(s / cols).charAt(s % cols) == 'S') {
        starts++;
      }
    }
    for (int s = 0; s < d.length; s++) {
      if (desc.get(s / cols).charAt(s % cols) == 'S') {
        d[s] = 1.0 / starts;
      }
    }
    return d;
  }

  private static boolean[] terminalFlags(List<String> desc) {
    int cols = desc.get(0).length();
    boolean[] t = new boolean[desc.size() * cols];
    for (int s = 0; s < t.length; s++) {
      char ch = desc.get(s / cols).charAt(s % cols);
      t[s] = ch == 'G' || ch == 'H';
    }
    return t;
  }

  /**
   * A random {@code size x size} map as Gymnasium's {@code generate_random_map} makes one: each
   * cell frozen with probability {@code p}, else a hole, the top-left S and the bottom-right G,
   * redrawn until a path of non-hole cells joins them. The same generator state gives the same map
   * (the random stream differs from NumPy's, so the maps differ from Gymnasium's for the same
   * seed).
   *
   * @param size the side, at least 2
   * @param p the probability of a frozen cell, in {@code (0, 1]}
   * @param g the generator to draw from
   * @throws IllegalArgumentException when {@code size < 2} or {@code p} is out of range
   */
  public static List<String> randomMap(int size, double p, Generator g) {
    if (size < 2 || !(p > 0 && p <= 1)) {
      throw new IllegalArgumentException(
          "FrozenLake.randomMap: need size >= 2 and p in (0, 1], got size " + size + ", p " + p);
    }
    while (true) {
      char[][] board = new char[size][size];
      for (int r = 0; r < size; r++) {
        for (int c = 0; c < size; c++) {
          board[r][c] = g.nextDouble() < p ? 'F' : 'H';
        }
      }
      board[0][0] = 'S';
      board[size - 1][size - 1] = 'G';
      if (reachable(board)) {
        List<String> map = new ArrayList<>(size);
        for (char[] row : board) {
          map.add(new String(row));
        }
        return List.copyOf(map);
      }
    }
  }

  private static boolean reachable(char[][] board) {
    int n = board.length;
    boolean[][] seen = new boolean[n][n];
    ArrayDeque<int[]> frontier = new ArrayDeque<>();
    frontier.push(new int[] {0, 0});
    seen[0][0] = true;
    int[][] steps = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
    while (!frontier.isEmpty()) {
      int[] cell = frontier.pop();
      if (board[cell[0]][cell[1]] == 'G') {
        return true;
      }
      for (int[] d : steps) {
        int r = cell[0] + d[0];
        int c = cell[1] + d[1];
        if (r >= 0 && r < n && c >= 0 && c < n && !seen[r][c] && board[r][c] != 'H') {
          seen[r][c] = true;
          frontier.push(new int[] {r, c});
        }
      }
    }
    return false;
  }

  /** The map, top row first. */
  public List<String> desc() {
    return desc;
  }

  /** Grid rows. */
  public int rows() {
    return rows;
  }

  /** Grid columns. */
  public int cols() {
    return cols;
  }

  /** Whether moves slip. */
  public boolean isSlippery() {
    return slippery;
  }

  /** The map letter of a state ({@code S}, {@code F}, {@code H} or {@code G}). */
  public char letter(int state) {
    if (state < 0 || state >= rows * cols) {
      throw new IllegalArgumentException(
          "FrozenLake.letter: state " + state + " out of range [0, " + rows * cols + ")");
    }
    return desc.get(state / cols).charAt(state % cols);
  }

  /** The holes as a mask over the states (for {@link GridPlots}). */
  public boolean[] holeMask() {
    boolean[] m = new boolean[rows * cols];
    for (int s = 0; s < m.length; s++) {
      m[s] = letter(s) == 'H';
    }
    return m;
  }

  /**
   * The arrow glyph of an action ({@code ← ↓ → ↑}), for {@link GridPlots#policy}.
   *
   * @throws IllegalArgumentException when the action is not 0 … 3
   */
  public static String arrow(int action) {
    if (action < 0 || action > 3) {
      throw new IllegalArgumentException("FrozenLake.arrow: action " + action + " not in 0..3");
    }
    return ARROWS[action];
  }

  /**
   * The lake as an RGB image, 32 pixels a cell: ice pale blue, the start a stronger blue, holes
   * dark navy, the goal gold, the agent a red disc (absent before the first reset).
   */
  @Override
  public Optional<BufferedImage> render() {
    Color[] colors = new Color[rows * cols];
    for (int s = 0; s < colors.length; s++) {
      colors[s] =
          switch (letter(s)) {
            case 'S' -> new Color(0xa6cee3);
            case 'H' -> new Color(0x1f3a5f);
            case 'G' -> new Color(0xf2c14e);
            default -> new Color(0xe6f4fb);
          };
    }
    return Optional.of(GridRender.draw(rows, cols, colors, state()));
  }
}
