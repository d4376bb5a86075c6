package dev.residual.rl.env.toytext;

/**
 * A three-state continuing MDP with a choice whose answer depends on the discount (Sutton &amp;
 * Barto, exercise 3.22; ARENA's {@code Toy} environment), given as explicit tables.
 *
 * <pre>
 *          left, +1            right, 0
 *   SL  &lt;----------  S0  ----------&gt;  SR
 *       ----------&gt;      &lt;----------
 *        any, 0              any, +2
 * </pre>
 *
 * <ul>
 *   <li>States: {@code Discrete(3)}: {@link #S0} = 0 (the choice, and the start), {@link #SL} = 1,
 *       {@link #SR} = 2. Actions: {@code Discrete(2)}: {@link #LEFT} = 0, {@link #RIGHT} = 1.
 *   <li>From S0, left goes to SL with reward +1, right to SR with reward 0. From SL either action
 *       returns to S0 with reward 0; from SR either action returns to S0 with reward +2. All moves
 *       are deterministic; no state is terminal, so episodes never end without a time limit and
 *       values need γ &lt; 1.
 * </ul>
 *
 * <p>Closed-form values. Under π<sub>left</sub> (left in S0) the return from S0 is 1 + γ·0 +
 * γ²·(the same again), so {@code v(S0) = 1 / (1 − γ²)}, {@code v(SL) = γ v(S0) = γ / (1 − γ²)} and
 * {@code v(SR) = 2 + γ v(S0) = 2 + γ / (1 − γ²)}. Under π<sub>right</sub>: {@code v(S0) = 0 + 2γ +
 * γ² v(S0) = 2γ / (1 − γ²)}, {@code v(SL) = 2γ² / (1 − γ²)}, {@code v(SR) = 2 + 2γ² / (1 − γ²) = 2
 * / (1 − γ²)}. Right beats left in S0 iff {@code 2γ > 1}: left is optimal for γ &lt; 0.5 (γ = 0: 1
 * vs 0), right for γ &gt; 0.5 (γ = 0.9: 9.4737 vs 5.2632), both at γ = 0.5. {@link
 * #closedFormValues} returns these numbers.
 */
public final class ThreeStateMdp extends TabularEnv {
  /** The choice state (the start). */
  public static final int S0 = 0;

  /** The state reached by going left. */
  public static final int SL = 1;

  /** The state reached by going right. */
  public static final int SR = 2;

  /** Action: left (matters only in S0). */
  public static final int LEFT = 0;

  /** Action: right (matters only in S0). */
  public static final int RIGHT = 1;

  /** A new environment; call {@code reset} before stepping. */
  public ThreeStateMdp() {
    super(
        tableFromMatrices(transitionMatrix(), rewardMatrix(), new boolean[3]),
        new double[] {1, 0, 0},
        new boolean[3]);
  }

  /** The transition tensor {@code T[s][a][s']}, {@code [3][2][3]} (a fresh copy). */
  public static double[][][] transitionMatrix() {
    return new double[][][] {
      {{0, 1, 0}, {0, 0, 1}},
      {{1, 0, 0}, {1, 0, 0}},
      {{1, 0, 0}, {1, 0, 0}}
    };
  }

  /** The reward tensor {@code R[s][a][s']}, {@code [3][2][3]} (a fresh copy). */
  public static double[][][] rewardMatrix() {
    return new double[][][] {
      {{0, 1, 0}, {0, 0, 0}},
      {{0, 0, 0}, {0, 0, 0}},
      {{2, 0, 0}, {2, 0, 0}}
    };
  }

  /**
   * The exact values {@code [v(S0), v(SL), v(SR)]} of the policy taking {@code actionInS0} in S0
   * (derived in the class comment).
   *
   * @throws IllegalArgumentException when γ is not in {@code [0, 1)} or the action is not 0 or 1
   */
  public static double[] closedFormValues(int actionInS0, double gamma) {
    if (!(gamma >= 0 && gamma < 1) || (actionInS0 != LEFT && actionInS0 != RIGHT)) {
      throw new IllegalArgumentException(
          "ThreeStateMdp.closedFormValues: need gamma in [0, 1) and action 0 or 1, got gamma "
              + gamma
              + ", action "
              + actionInS0);
    }
    double d = 1 - gamma * gamma;
    if (actionInS0 == LEFT) {
      return new double[] {1 / d, gamma / d, 2 + gamma / d};
    }
    return new double[] {2 * gamma / d, 2 * gamma * gamma / d, 2 / d};
  }
}
