package dev.residual.rl.dqn;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;

/**
 * A fixed-capacity circular buffer of transitions {@code (obs, action, reward, nextObs,
 * terminated)} for off-policy learning. It stores {@code terminated}, not {@code done}: a
 * transition cut by a time limit keeps its true next observation and is bootstrapped from it. Once
 * full, each new transition overwrites the oldest.
 */
public final class ReplayBuffer {
  private final int capacity;
  private final int obsDim;
  private final float[] obs;
  private final float[] nextObs;
  private final long[] actions;
  private final float[] rewards;
  private final float[] terminated;
  private int next;
  private int size;

  /**
   * @param capacity the number of transitions kept
   * @param obsDim floats per observation
   * @throws IllegalArgumentException if a size is not positive
   */
  public ReplayBuffer(int capacity, int obsDim) {
    if (capacity < 1 || obsDim < 1) {
      throw new IllegalArgumentException(
          "ReplayBuffer: capacity and obsDim must be >= 1, got " + capacity + " and " + obsDim);
    }
    this.capacity = capacity;
    this.obsDim = obsDim;
    obs = new float[capacity * obsDim];
    nextObs = new float[capacity * obsDim];
    actions = new long[capacity];
    rewards = new float[capacity];
    terminated = new float[capacity];
  }

  /**
   * Adds a transition.
   *
   * @param o the observation the action was taken in ({@code obsDim} floats)
   * @param nextO the true next observation (for a truncated episode, its final observation)
   * @param terminal whether {@code nextO} is a terminal state (no bootstrapping)
   * @throws IllegalArgumentException if an observation has the wrong length
   */
  public void add(float[] o, int action, double reward, float[] nextO, boolean terminal) {
    if (o.length != obsDim || nextO.length != obsDim) {
      throw new IllegalArgumentException(
          "ReplayBuffer.add: observations must have "
              + obsDim
              + " floats, got "
              + o.length
              + " and "
              + nextO.length);
    }
    System.arraycopy(o, 0, obs, next * obsDim, obsDim);
    System.arraycopy(nextO, 0, nextObs, next * obsDim, obsDim);
    actions[next] = action;
    rewards[next] = (float) reward;
    terminated[next] = terminal ? 1f : 0f;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** The number of transitions held. */
  public int size() {
    return size;
  }

  /** The capacity. */
  public int capacity() {
    return capacity;
  }

  /**
   * A batch drawn uniformly with replacement (as Stable-Baselines3's buffer, which CleanRL uses).
   *
   * @throws IllegalStateException if the buffer is empty
   */
  public Batch sample(int batchSize, Generator g) {
    if (size == 0) {
      throw new IllegalStateException("ReplayBuffer.sample: the buffer is empty");
    }
    float[] o = new float[batchSize * obsDim];
    float[] no = new float[batchSize * obsDim];
    long[] a = new long[batchSize];
    float[] r = new float[batchSize];
    float[] t = new float[batchSize];
    for (int i = 0; i < batchSize; i++) {
      int j = g.nextInt(size);
      System.arraycopy(obs, j * obsDim, o, i * obsDim, obsDim);
      System.arraycopy(nextObs, j * obsDim, no, i * obsDim, obsDim);
      a[i] = actions[j];
      r[i] = rewards[j];
      t[i] = terminated[j];
    }
    return new Batch(
        Tensor.of(o, batchSize, obsDim),
        Tensor.of(a, batchSize, 1),
        Tensor.of(r, batchSize),
        Tensor.of(no, batchSize, obsDim),
        Tensor.of(t, batchSize));
  }

  /**
   * A sampled batch.
   *
   * @param obs {@code [batch, obsDim]}
   * @param actions {@code [batch, 1]} INT64
   * @param rewards {@code [batch]}
   * @param nextObs {@code [batch, obsDim]}
   * @param terminated {@code [batch]}, 1 where the next state is terminal
   */
  public record Batch(
      Tensor obs, Tensor actions, Tensor rewards, Tensor nextObs, Tensor terminated) {}
}
