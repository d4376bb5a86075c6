package dev.residual.rl.dqn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.wrappers.TimeLimit;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DqnPartsTest {
  @Test
  void replayBufferOverwritesTheOldestAndKeepsTerminatedApartFromDone() {
    ReplayBuffer b = new ReplayBuffer(3, 2);
    for (int i = 0; i < 5; i++) {
      b.add(new float[] {i, i}, i % 2, i, new float[] {i + 1, i + 1}, i == 4);
    }
    assertEquals(3, b.size());
    ReplayBuffer.Batch batch = b.sample(200, new Generator(1));
    float[] obs = batch.obs().toFloatArray();
    float[] next = batch.nextObs().toFloatArray();
    float[] rewards = batch.rewards().toFloatArray();
    float[] term = batch.terminated().toFloatArray();
    long[] actions = batch.actions().toLongArray();
    boolean[] seen = new boolean[5];
    for (int i = 0; i < 200; i++) {
      int k = (int) obs[2 * i];
      seen[k] = true;
      assertEquals(k + 1, next[2 * i]);
      assertEquals(k, rewards[i]);
      assertEquals(k % 2, actions[i]);
      assertEquals(k == 4 ? 1f : 0f, term[i]);
    }
    assertArrayEquals(new boolean[] {false, false, true, true, true}, seen, "0 and 1 overwritten");
    assertThrows(
        IllegalArgumentException.class, () -> b.add(new float[1], 0, 0, new float[2], false));
    assertThrows(
        IllegalStateException.class, () -> new ReplayBuffer(2, 1).sample(1, new Generator(0)));
  }

  @Test
  void epsilonFallsLinearlyThenStays() {
    DqnConfig c = DqnConfig.cleanRl(); // 1 -> 0.05 over 250,000 steps
    assertEquals(1.0, c.epsilon(0), 1e-12);
    assertEquals(1.0 - 0.95 / 2, c.epsilon(125_000), 1e-12);
    assertEquals(0.05, c.epsilon(250_000), 1e-12);
    assertEquals(0.05, c.epsilon(400_000), 1e-12);
    assertEquals(0.1, DqnConfig.arena().epsilon(100_000), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> c.withSteps(0, 0));
  }

  @Test
  void huberIsQuadraticInsideOneAndLinearOutside() {
    Tensor d = Tensor.of(new double[] {-3, -0.5, 0, 0.25, 2}, 5).to(DType.FLOAT64);
    double want = (2.5 + 0.125 + 0 + 0.03125 + 1.5) / 5;
    assertEquals(want, Dqn.huber(d).item(), 1e-12);
  }

  /** A one-observation env that never terminates: every episode is cut by the time limit. */
  static final class Endless extends AbstractEnv<float[], Integer> {
    private int t;

    @Override
    protected ResetResult<float[]> doReset(Map<String, Object> options) {
      t = 0;
      return ResetResult.of(new float[] {0});
    }

    @Override
    protected StepResult<float[]> doStep(Integer action) {
      t++;
      return new StepResult<>(new float[] {t}, 1.0, false, false, Map.of());
    }

    @Override
    public Box observationSpace() {
      return Box.uniform(0, 100, 1);
    }

    @Override
    public Discrete actionSpace() {
      return new Discrete(1);
    }
  }

  @Test
  void truncatedEpisodesAreBootstrappedFromTheirTrueFinalObservation() {
    // Reward 1 forever, episodes truncated after 3 steps: a truncation is not a terminal, so the
    // learned value approaches 1 / (1 - γ) = 2 (γ = 0.5) at every observation, not 1 at the last.
    DqnConfig c =
        new DqnConfig(
            3_000,
            1e-2,
            0.0,
            1_000,
            0.5,
            1.0,
            50,
            32,
            1.0,
            1.0,
            1.0,
            100,
            1,
            DqnConfig.Loss.HUBER,
            10.0,
            new int[] {16},
            3);
    Dqn.Result r = Dqn.train(() -> new TimeLimit<>(new Endless(), 3), c, null, null);
    for (float o : new float[] {0, 1, 2, 3}) {
      assertEquals(2.0, r.q().qValues(new float[] {o})[0], 0.05, "obs " + o);
    }
    assertEquals(1_000, r.episodes().size());
    assertTrue(r.episodes().stream().allMatch(e -> e.length() == 3));
  }
}
