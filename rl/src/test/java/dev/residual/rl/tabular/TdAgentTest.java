package dev.residual.rl.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.Env;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TdAgentTest {
  @Test
  void qLearningConvergesToTheOptimalQOfADeterministicChain() {
    // Optimal Q of Chain(4) with gamma 0.9 (derived in PlanningTest): right = V*, left as below.
    double[][] expected = {
      {-4.0951, -3.439}, {-4.0951, -2.71}, {-3.439, -1.9}, {-2.71, -1}, {0, 0}
    };
    TestMdps.Chain env = new TestMdps.Chain(4);
    QLearning agent = new QLearning(5, 2, TdConfig.of(0.5, 0.9, 0.5), 7);
    agent.train(env, 3000, 1, 1000);
    for (int s = 0; s < 5; s++) {
      assertArrayEquals(expected[s], agent.q()[s], 1e-9, "state " + s);
    }
    // The same Q as planning gives.
    double[][] planned =
        Planning.qFromV(env, Planning.valueIteration(env, 0.9, 1e-14).values(), 0.9);
    for (int s = 0; s < 5; s++) {
      assertArrayEquals(planned[s], agent.q()[s], 1e-9);
    }
    assertArrayEquals(new int[] {1, 1, 1, 1, 0}, agent.greedyPolicy());
    assertEquals(-4, agent.greedyReturn(env, 3L, 100).totalReward());
  }

  @Test
  void sarsaWithoutExplorationAndExpectedSarsaLearnTheChain() {
    // With epsilon = 0 SARSA and Expected SARSA are both Q-learning on the greedy path; from Q = 0
    // a greedy agent still reaches the goal because tried actions drop below untried ones.
    for (TdAgent agent :
        new TdAgent[] {
          new Sarsa(5, 2, TdConfig.of(0.5, 1.0, 0.0), 3),
          new ExpectedSarsa(5, 2, TdConfig.of(0.5, 1.0, 0.0), 3)
        }) {
      TestMdps.Chain env = new TestMdps.Chain(4);
      TdAgent.Training t = agent.train(env, 300, 0, 10_000);
      assertEquals(-4, t.returns()[299], agent.name());
      assertEquals(4, t.lengths()[299], agent.name());
      assertEquals(-4, agent.greedyReturn(env, null, 100).totalReward(), agent.name());
    }
  }

  @Test
  void oneSarsaUpdateIsTheHandComputedTarget() {
    // Chain(1): from state 0, "right" terminates with -1, so Q(0, right) += 0.5 (-1 - 0) = -0.5.
    // With epsilon 0 and Q = 0 the first action is a random tie; run episodes until "right" is
    // taken: every "left" step gives Q(0, left) += 0.5 (-1 + Q(0, a') - Q(0, left)).
    Sarsa agent = new Sarsa(2, 2, TdConfig.of(0.5, 1.0, 0.0), 11);
    TestMdps.Chain env = new TestMdps.Chain(1);
    TdAgent.Episode ep = agent.runEpisode(env, 0L, 1000);
    assertEquals(-ep.length(), ep.totalReward());
    // Whatever the path, the final step was "right" from 0 and its update from 0 is exact.
    assertEquals(-0.5, agent.q()[0][1], 0);
    assertArrayEquals(new double[] {0, 0}, agent.q()[1], 0);
  }

  @Test
  void expectedSarsaBootstrapIsTheEpsilonGreedyExpectation() {
    ExpectedSarsa agent = new ExpectedSarsa(1, 3, TdConfig.of(0.5, 1.0, 0.3), 1);
    agent.q()[0][0] = 3;
    agent.q()[0][1] = 1;
    agent.q()[0][2] = 2;
    // (1 - 0.3) * 3 + 0.3 * (6 / 3) = 2.1 + 0.6
    assertEquals(2.7, agent.bootstrap(0, -1), 1e-12);
    QLearning ql = new QLearning(1, 3, TdConfig.of(0.5, 1.0, 0.3), 1);
    ql.q()[0][2] = 4;
    assertEquals(4, ql.bootstrap(0, -1), 0);
    Sarsa sarsa = new Sarsa(1, 3, TdConfig.of(0.5, 1.0, 0.3), 1);
    sarsa.q()[0][1] = -2;
    assertEquals(-2, sarsa.bootstrap(0, 1), 0);
  }

  @Test
  void epsilonGreedyBreaksTiesUniformlyAndExploresAtRateEpsilon() {
    QLearning agent = new QLearning(1, 4, TdConfig.of(0.5, 1.0, 0.0), 5);
    agent.q()[0][1] = 1;
    agent.q()[0][3] = 1;
    int[] counts = new int[4];
    for (int i = 0; i < 4000; i++) {
      counts[agent.act(0)]++;
    }
    assertEquals(0, counts[0]);
    assertEquals(0, counts[2]);
    assertTrue(Math.abs(counts[1] - 2000) < 200, "ties split about evenly: " + counts[1]);
    assertEquals(1, agent.greedyAction(0), "greedy evaluation takes the lowest tied index");
    QLearning explorer = new QLearning(1, 4, TdConfig.of(0.5, 1.0, 0.2), 5);
    explorer.q()[0][2] = 1;
    int greedy = 0;
    for (int i = 0; i < 10_000; i++) {
      greedy += explorer.act(0) == 2 ? 1 : 0;
    }
    // P(action 2) = 0.8 + 0.2 / 4 = 0.85; the binomial sd is about 36.
    assertTrue(Math.abs(greedy - 8500) < 200, "greedy count " + greedy);
  }

  @Test
  void epsilonDecaysPerEpisodeDownToItsFloor() {
    TdConfig cfg = TdConfig.of(0.5, 1.0, 0.5).withEpsilonDecay(0.5, 0.1);
    Sarsa agent = new Sarsa(5, 2, cfg, 1);
    agent.train(new TestMdps.Chain(4), 2, 0, 1000);
    assertEquals(0.125, agent.epsilon(), 0);
    agent.train(new TestMdps.Chain(4), 3, 0, 1000);
    assertEquals(0.1, agent.epsilon(), 0);
  }

  @Test
  void initialQFillsTheTable() {
    QLearning agent = new QLearning(3, 2, TdConfig.of(0.1, 0.9, 0.1).withInitialQ(5), 0);
    for (double[] row : agent.q()) {
      assertArrayEquals(new double[] {5, 5}, row, 0);
    }
  }

  @Test
  void trainingIsDeterministicGivenTheSeeds() {
    for (String m : TabularExperiments.METHODS) {
      TdConfig cfg = TdConfig.of(0.5, 1.0, 0.1);
      TdAgent a = TabularExperiments.create(m, 15, 4, cfg, 42);
      TdAgent b = TabularExperiments.create(m, 15, 4, cfg, 42);
      TdAgent c = TabularExperiments.create(m, 15, 4, cfg, 43);
      double[] ra = a.train(new TestMdps.CliffCorridor(), 50, 9, 10_000).returns();
      double[] rb = b.train(new TestMdps.CliffCorridor(), 50, 9, 10_000).returns();
      double[] rc = c.train(new TestMdps.CliffCorridor(), 50, 9, 10_000).returns();
      assertArrayEquals(ra, rb, 0, m);
      assertNotEquals(java.util.Arrays.toString(ra), java.util.Arrays.toString(rc), m);
      for (int s = 0; s < 15; s++) {
        assertArrayEquals(a.q()[s], b.q()[s], 0);
      }
    }
  }

  @Test
  void sarsaTakesTheSafePathAndQLearningTheRiskyOneOnACliff() {
    // Sutton & Barto example 6.6 in miniature (TestMdps.CliffCorridor): with epsilon = 0.1 the
    // risky row next to the cliff costs SARSA about 5 * 0.025 * 100 = 12 in expectation, more
    // than the 2 extra steps of the safe row, so SARSA's greedy path is the safe one (-8) while
    // Q-learning learns the optimal risky one (-6) yet falls more often and earns less online.
    TabularExperiments.TdComparison c =
        TabularExperiments.tdComparison(
            TestMdps.CliffCorridor::new, TdConfig.of(0.5, 1.0, 0.1), 400, 30, 2024, 100_000, 1000);

    double[] ql = c.greedyReturns().get("Q-learning");
    double[] sarsa = c.greedyReturns().get("SARSA");
    for (int r = 0; r < 30; r++) {
      assertEquals(-6, ql[r], "Q-learning run " + r);
    }
    // SARSA's greedy path is usually the safe one; with alpha = 0.5 its Q stays noisy, so a run
    // can end on a detour (-10), the risky row (-6) or a greedy cycle through untried actions
    // (cut at the 1000-step cap).
    int risky = 0;
    for (double x : sarsa) {
      risky += x == -6 ? 1 : 0;
    }
    assertTrue(risky <= 6, "SARSA greedy returns " + java.util.Arrays.toString(sarsa));
    assertEquals(-8, c.medianGreedyReturn("SARSA"));
    assertEquals(-6, c.medianGreedyReturn("Q-learning"));
    assertEquals(-6, c.meanGreedyReturn("Q-learning"));
    assertEquals(-8, c.medianGreedyReturn("Expected SARSA"));
    boolean[] fin = c.greedyFinished().get("Q-learning");
    for (boolean f : fin) {
      assertTrue(f);
    }
    double onlineSarsa = c.meanOnlineReturn("SARSA", 200);
    double onlineQl = c.meanOnlineReturn("Q-learning", 200);
    assertTrue(
        onlineSarsa > onlineQl, "SARSA online " + onlineSarsa + " vs Q-learning " + onlineQl);
    assertTrue(c.meanOnlineReturn("Expected SARSA", 200) > onlineSarsa, "Expected SARSA online");
    assertEquals(TabularExperiments.METHODS, c.chart(0.9, -100).seriesNames());
    assertEquals(400, c.averageReturns().get("SARSA").length);
  }

  @Test
  void cliffComparisonIsReproducibleAndUsesTheBookSettings() {
    TabularExperiments.TdComparison a =
        TabularExperiments.cliffComparison(TestMdps.CliffCorridor::new, 20, 2, 5);
    TabularExperiments.TdComparison b =
        TabularExperiments.cliffComparison(TestMdps.CliffCorridor::new, 20, 2, 5);
    assertEquals(TdConfig.of(0.5, 1.0, 0.1), a.config());
    for (String m : TabularExperiments.METHODS) {
      assertArrayEquals(a.averageReturns().get(m), b.averageReturns().get(m), 0);
      assertArrayEquals(a.greedyReturns().get(m), b.greedyReturns().get(m), 0);
    }
  }

  @Test
  void truncationBootstrapsAndTerminationDoesNot() {
    // A one-state environment: the single action gives +1 and is truncated after 1 step.
    // Q-learning with gamma 0.5 from Q = 0: target 1 + 0.5 Q -> Q = 0.5 after one update
    // (truncated: bootstraps from Q = 0 that step), and converges to 1 / (1 - 0.5) = 2.
    QLearning agent = new QLearning(1, 1, TdConfig.of(0.5, 0.5, 0.0), 0);
    OneState env = new OneState(false);
    agent.runEpisode(env, 0L, 10);
    assertEquals(0.5, agent.q()[0][0], 0);
    for (int i = 0; i < 200; i++) {
      agent.runEpisode(env, null, 10);
    }
    assertEquals(2, agent.q()[0][0], 1e-12);
    // Terminated: the target is the reward only, so Q converges to 1.
    QLearning term = new QLearning(1, 1, TdConfig.of(0.5, 0.5, 0.0), 0);
    for (int i = 0; i < 200; i++) {
      term.runEpisode(new OneState(true), 0L, 10);
    }
    assertEquals(1, term.q()[0][0], 1e-12);
    // The maxSteps cap bootstraps like a truncation: a never-ending one-state env gives 2 too.
    QLearning capped = new QLearning(1, 1, TdConfig.of(0.5, 0.5, 0.0), 0);
    TdAgent.Episode ep = capped.runEpisode(new OneState(null), 0L, 300);
    assertEquals(300, ep.length());
    assertEquals(300, ep.totalReward());
    assertEquals(2, capped.q()[0][0], 1e-12);
  }

  @Test
  void discreteSpacesWithAStartAreShifted() {
    ShiftedChain env = new ShiftedChain();
    QLearning agent = new QLearning(5, 2, TdConfig.of(0.5, 0.9, 0.5), 7);
    agent.train(env, 500, 1, 1000);
    assertArrayEquals(new int[] {1, 1, 1, 1, 0}, agent.greedyPolicy());
    assertEquals(-4, agent.greedyReturn(env, 0L, 100).totalReward());
  }

  @Test
  void misuseIsRejectedWithClearMessages() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TdConfig.of(0, 1, 0.1));
    assertTrue(e.getMessage().contains("alpha must be in (0, 1], got 0.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TdConfig.of(0.5, 1.1, 0.1));
    assertThrows(IllegalArgumentException.class, () -> TdConfig.of(0.5, 1, -0.1));
    assertThrows(
        IllegalArgumentException.class, () -> TdConfig.of(0.5, 1, 0.1).withEpsilonDecay(0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> TdConfig.of(0.5, 1, 0.1).withEpsilonDecay(0.9, 0.2));
    assertThrows(
        IllegalArgumentException.class, () -> TdConfig.of(0.5, 1, 0.1).withInitialQ(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> new Sarsa(0, 2, TdConfig.of(0.5, 1, 0.1), 0));
    assertThrows(IllegalArgumentException.class, () -> new Sarsa(2, 2, null, 0));
    QLearning agent = new QLearning(4, 2, TdConfig.of(0.5, 1, 0.1), 0);
    e = assertThrows(IllegalArgumentException.class, () -> agent.act(4));
    assertTrue(e.getMessage().contains("state 4 is outside [0, 4)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> agent.greedyAction(-1));
    e =
        assertThrows(
            IllegalArgumentException.class, () -> agent.train(new TestMdps.Chain(4), 1, 0, 10));
    assertTrue(e.getMessage().contains("Q is [4, 2]"), e.getMessage());
    QLearning five = new QLearning(5, 2, TdConfig.of(0.5, 1, 0.1), 0);
    assertThrows(IllegalArgumentException.class, () -> five.train(new TestMdps.Chain(4), 0, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> five.train(new TestMdps.Chain(4), 1, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> five.greedyReturn(new TestMdps.Chain(4), 0L, 0));
    assertThrows(IllegalArgumentException.class, () -> five.runEpisode(null, 0L, 10));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Env<Integer, Integer> boxy = (Env) new BoxEnv();
    e = assertThrows(IllegalArgumentException.class, () -> five.runEpisode(boxy, 0L, 10));
    assertTrue(e.getMessage().contains("Discrete"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TabularExperiments.create("TD(lambda)", 2, 2, TdConfig.of(0.5, 1, 0.1), 0));
    assertTrue(e.getMessage().contains("unknown method 'TD(lambda)'"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> TabularExperiments.cliffComparison(TestMdps.CliffCorridor::new, 0, 1, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> TabularExperiments.cliffComparison(TestMdps.CliffCorridor::new, 1, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> TabularExperiments.cliffComparison(null, 1, 1, 0));
    TabularExperiments.TdComparison c =
        TabularExperiments.cliffComparison(TestMdps.CliffCorridor::new, 3, 1, 0);
    assertThrows(IllegalArgumentException.class, () -> c.meanGreedyReturn("nope"));
    assertThrows(IllegalArgumentException.class, () -> c.meanOnlineReturn("SARSA", 4));
  }

  /** One state, one action, reward +1; terminated, truncated, or never ending (null). */
  private static final class OneState extends AbstractEnv<Integer, Integer> {
    private final Boolean terminates;

    OneState(Boolean terminates) {
      this.terminates = terminates;
    }

    @Override
    protected ResetResult<Integer> doReset(Map<String, Object> options) {
      return ResetResult.of(0);
    }

    @Override
    protected StepResult<Integer> doStep(Integer action) {
      boolean term = terminates != null && terminates;
      boolean trunc = terminates != null && !terminates;
      return new StepResult<>(0, 1, term, trunc, Map.of());
    }

    @Override
    public Space<Integer> observationSpace() {
      return new Discrete(1);
    }

    @Override
    public Space<Integer> actionSpace() {
      return new Discrete(1);
    }
  }

  /** Chain(4) with observations 10..14 and actions 3 (left), 4 (right). */
  private static final class ShiftedChain extends AbstractEnv<Integer, Integer> {
    private final TestMdps.Chain inner = new TestMdps.Chain(4);

    @Override
    protected ResetResult<Integer> doReset(Map<String, Object> options) {
      return ResetResult.of(inner.reset(0L, Map.of()).observation() + 10);
    }

    @Override
    protected StepResult<Integer> doStep(Integer action) {
      StepResult<Integer> r = inner.step(action - 3);
      return new StepResult<>(
          r.observation() + 10, r.reward(), r.terminated(), r.truncated(), r.info());
    }

    @Override
    public Space<Integer> observationSpace() {
      return new Discrete(5, 10);
    }

    @Override
    public Space<Integer> actionSpace() {
      return new Discrete(2, 3);
    }
  }

  private static final class BoxEnv extends AbstractEnv<float[], Integer> {
    @Override
    protected ResetResult<float[]> doReset(Map<String, Object> options) {
      return ResetResult.of(new float[1]);
    }

    @Override
    protected StepResult<float[]> doStep(Integer action) {
      return new StepResult<>(new float[1], 0, true, false, Map.of());
    }

    @Override
    public Space<float[]> observationSpace() {
      return Box.uniform(0, 1, 1);
    }

    @Override
    public Space<Integer> actionSpace() {
      return new Discrete(2);
    }
  }
}
