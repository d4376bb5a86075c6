package dev.residual.rl.dqn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.residual.rl.env.probes.ProbeEnv;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ARENA's probe environments: each isolates one part of DQN (value learning, observation
 * dependence, discounting, action dependence, both), and a correct agent reaches their exact
 * Q-values.
 */
class DqnProbeTest {
  static DqnConfig probeConfig(long seed) {
    // Small budgets: a gradient step per environment step, early learning, frequent target copies.
    return new DqnConfig(
        4_000,
        1e-3,
        0.0,
        4_000,
        0.99,
        1.0,
        100,
        128,
        1.0,
        0.05,
        0.5,
        200,
        1,
        DqnConfig.Loss.MSE,
        Double.NaN,
        new int[] {32, 32},
        seed);
  }

  @Test
  void everyProbeReachesItsExactQValues() {
    List<ProbeEnv> probes = ProbeEnv.all();
    for (int i = 0; i < probes.size(); i++) {
      int index = i;
      DqnConfig c = probeConfig(1);
      Dqn.Result r = Dqn.train(() -> ProbeEnv.all().get(index), c, null, null);
      double tolerance = i < 2 ? 5e-4 : 1e-3;
      for (float[] obs : probes.get(i).observations()) {
        double[] want = probes.get(i).expectedQ(obs, c.gamma());
        double[] got = r.q().qValues(obs);
        for (int a = 0; a < want.length; a++) {
          assertEquals(
              want[a], got[a], tolerance, "probe " + (i + 1) + ", obs " + obs[0] + ", action " + a);
        }
      }
    }
  }
}
