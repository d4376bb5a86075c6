package dev.residual.rl.tabular;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.FiniteMdp;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import java.util.List;
import java.util.Map;

/** Small MDPs and environments whose values are derived by hand in the tests. */
final class TestMdps {
  private TestMdps() {}

  /**
   * Two non-terminal states and a terminal state 2.
   *
   * <pre>
   * state 0, action 0 "stay": reward 1, back to 0
   * state 0, action 1 "go":   reward 0, to 1
   * state 1, action 0 "cash": reward 5, to 2 (terminated)
   * state 1, action 1 "gamble": p 0.5 reward 0 to 0; p 0.5 reward 2 to 2 (terminated)
   * </pre>
   */
  static final class TwoState implements FiniteMdp {
    @Override
    public int numStates() {
      return 3;
    }

    @Override
    public int numActions() {
      return 2;
    }

    @Override
    public List<Transition> transitions(int s, int a) {
      if (s == 2) {
        return List.of(new Transition(1, 2, 0, true));
      }
      if (s == 0) {
        return a == 0
            ? List.of(new Transition(1, 0, 1, false))
            : List.of(new Transition(1, 1, 0, false));
      }
      return a == 0
          ? List.of(new Transition(1, 2, 5, true))
          : List.of(new Transition(0.5, 0, 0, false), new Transition(0.5, 2, 2, true));
    }

    @Override
    public boolean isTerminal(int s) {
      return s == 2;
    }
  }

  /**
   * A deterministic corridor of {@code n} non-terminal states {@code 0 … n−1} and the goal {@code
   * n} (terminal). Action 0 moves left (staying put at 0), action 1 right; every step gives −1;
   * stepping right from {@code n − 1} reaches the goal and terminates. Episodes start in 0. Both an
   * environment and its table.
   */
  static final class Chain extends AbstractEnv<Integer, Integer> implements FiniteMdp {
    private final int n;
    private final Discrete obs;
    private final Discrete act = new Discrete(2);
    private int state;

    Chain(int n) {
      this.n = n;
      this.obs = new Discrete(n + 1);
    }

    private int move(int s, int a) {
      return a == 0 ? Math.max(0, s - 1) : s + 1;
    }

    @Override
    public int numStates() {
      return n + 1;
    }

    @Override
    public int numActions() {
      return 2;
    }

    @Override
    public List<Transition> transitions(int s, int a) {
      if (s == n) {
        return List.of(new Transition(1, n, 0, true));
      }
      int ns = move(s, a);
      return List.of(new Transition(1, ns, -1, ns == n));
    }

    @Override
    public boolean isTerminal(int s) {
      return s == n;
    }

    @Override
    protected ResetResult<Integer> doReset(Map<String, Object> options) {
      state = 0;
      return ResetResult.of(state);
    }

    @Override
    protected StepResult<Integer> doStep(Integer action) {
      state = move(state, action);
      return new StepResult<>(state, -1, state == n, false, Map.of());
    }

    @Override
    public Space<Integer> observationSpace() {
      return obs;
    }

    @Override
    public Space<Integer> actionSpace() {
      return act;
    }
  }

  /**
   * A cliff world, CliffWalking in miniature by default (3 x 5; 4 x 12 is Sutton &amp; Barto's
   * example 6.6). Rows 0 (top) to {@code rows − 1} (bottom); the start is the bottom-left cell, the
   * goal the bottom-right one, the cells between them are the cliff. Actions 0 up, 1 right, 2 down,
   * 3 left (moves into a wall stay put). Every step gives −1; stepping into the cliff gives −100
   * and returns to the start without ending the episode; reaching the goal terminates. In the 3 x 5
   * world the risky path along row 1 takes 6 steps (return −6), the safe path along row 0 takes 8
   * (return −8); in 4 x 12 the optimal path takes 13. Observations are {@code row * cols + col}.
   */
  static final class CliffCorridor extends AbstractEnv<Integer, Integer> {
    private final int rows;
    private final int cols;
    private final Discrete obs;
    private final Discrete act = new Discrete(4);
    private int row;
    private int col;

    CliffCorridor() {
      this(3, 5);
    }

    CliffCorridor(int rows, int cols) {
      this.rows = rows;
      this.cols = cols;
      this.obs = new Discrete(rows * cols);
    }

    @Override
    protected ResetResult<Integer> doReset(Map<String, Object> options) {
      row = rows - 1;
      col = 0;
      return ResetResult.of(row * cols + col);
    }

    @Override
    protected StepResult<Integer> doStep(Integer a) {
      int r = row + (a == 0 ? -1 : a == 2 ? 1 : 0);
      int c = col + (a == 1 ? 1 : a == 3 ? -1 : 0);
      row = Math.max(0, Math.min(rows - 1, r));
      col = Math.max(0, Math.min(cols - 1, c));
      if (row == rows - 1 && col > 0 && col < cols - 1) {
        row = rows - 1;
        col = 0;
        return new StepResult<>(row * cols + col, -100, false, false, Map.of());
      }
      boolean goal = row == rows - 1 && col == cols - 1;
      return new StepResult<>(row * cols + col, -1, goal, false, Map.of());
    }

    @Override
    public Space<Integer> observationSpace() {
      return obs;
    }

    @Override
    public Space<Integer> actionSpace() {
      return act;
    }
  }
}
