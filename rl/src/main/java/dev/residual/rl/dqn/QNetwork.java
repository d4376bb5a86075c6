package dev.residual.rl.dqn;

import dev.residual.nn.Linear;
import dev.residual.nn.Module;
import dev.residual.nn.ReLU;
import dev.residual.nn.Sequential;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.List;

/**
 * CleanRL's DQN network: {@code obs → 120 → 84 → actions} with ReLU (hidden sizes configurable),
 * PyTorch's default {@code Linear} initialisation. {@link #actGreedy} runs on a heap copy of the
 * weights ({@link #snapshot()}), so acting costs microseconds instead of five tensor ops.
 */
public final class QNetwork extends Module {
  private final Sequential net;
  private final int obsDim;
  private final int numActions;
  private float[][] w;
  private float[][] b;
  private int[] sizes;

  /**
   * @throws IllegalArgumentException if a size is not positive
   */
  public QNetwork(int obsDim, int numActions, int[] hidden, Generator g) {
    if (obsDim < 1 || numActions < 1 || hidden.length == 0) {
      throw new IllegalArgumentException(
          "QNetwork: need obsDim, numActions >= 1 and at least one hidden layer");
    }
    this.obsDim = obsDim;
    this.numActions = numActions;
    net = new Sequential();
    sizes = new int[hidden.length + 2];
    sizes[0] = obsDim;
    for (int i = 0; i < hidden.length; i++) {
      sizes[i + 1] = hidden[i];
    }
    sizes[sizes.length - 1] = numActions;
    for (int i = 0; i + 1 < sizes.length; i++) {
      net.add(new Linear(sizes[i], sizes[i + 1], g));
      if (i + 2 < sizes.length) {
        net.add(new ReLU());
      }
    }
    registerModule("network", net);
    snapshot();
  }

  /** Q-values {@code [batch, actions]} of observations {@code [batch, obsDim]}. */
  public Tensor forward(Tensor obs) {
    return net.forward(obs);
  }

  /** Floats per observation. */
  public int obsDim() {
    return obsDim;
  }

  /** The number of actions. */
  public int numActions() {
    return numActions;
  }

  /** Copies the current weights to the heap for {@link #actGreedy} (call after each update). */
  public void snapshot() {
    List<Tensor> ps = parameters();
    int layers = sizes.length - 1;
    w = new float[layers][];
    b = new float[layers][];
    for (int i = 0; i < layers; i++) {
      w[i] = ps.get(2 * i).toFloatArray(); // [out, in]
      b[i] = ps.get(2 * i + 1).toFloatArray();
    }
  }

  /** Q-values of one observation from the heap snapshot, in double. */
  public double[] qValues(float[] o) {
    double[] x = new double[o.length];
    for (int i = 0; i < o.length; i++) {
      x[i] = o[i];
    }
    for (int l = 0; l + 1 < sizes.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double[] y = new double[out];
      for (int j = 0; j < out; j++) {
        double s = b[l][j];
        int row = j * in;
        for (int k = 0; k < in; k++) {
          s += w[l][row + k] * x[k];
        }
        y[j] = l + 2 < sizes.length ? Math.max(0, s) : s;
      }
      x = y;
    }
    return x;
  }

  /** The greedy action for one observation (lowest index on ties, as {@code argmax}). */
  public int actGreedy(float[] o) {
    double[] q = qValues(o);
    int best = 0;
    for (int a = 1; a < q.length; a++) {
      if (q[a] > q[best]) {
        best = a;
      }
    }
    return best;
  }
}
