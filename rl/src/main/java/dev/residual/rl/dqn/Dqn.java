package dev.residual.rl.dqn;

import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.optim.GradClip;
import dev.residual.optim.Optimizer;
import dev.residual.rl.env.Env;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.track.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Deep Q-learning (Mnih et al. 2015) as CleanRL's {@code dqn.py} does it, for environments with a
 * {@link Box} observation ({@code float[]}) and {@link Discrete} actions.
 *
 * <p>Each environment step: act ε-greedily (ε from {@link DqnConfig#epsilon}), store {@code (obs,
 * action, reward, nextObs, terminated)} — a time-limit truncation keeps the true final observation
 * and is bootstrapped, a termination is not — and reset when the episode is over. After {@code
 * learningStarts} steps, every {@code trainFrequency} steps one gradient step on a uniform batch
 * minimises the TD error against {@code r + γ (1 − terminated) max_a' Q_target(s', a')}, and every
 * {@code targetNetworkFrequency} steps the target network moves towards the online one.
 */
public final class Dqn {
  private Dqn() {}

  /**
   * One finished training episode.
   *
   * @param step the environment step at which it ended
   * @param episodeReturn its undiscounted return
   * @param length its number of steps
   */
  public record Episode(long step, double episodeReturn, int length) {}

  /**
   * What training produced.
   *
   * @param q the trained online network
   * @param episodes every finished training episode, in order
   * @param seconds wall time
   * @param stepsPerSecond environment steps per second of wall time (training included)
   */
  public record Result(QNetwork q, List<Episode> episodes, double seconds, double stepsPerSecond) {}

  /**
   * Trains a DQN agent.
   *
   * @param envFactory makes the training environment (called once)
   * @param run where metrics go (episodic return and length, ε, TD loss, mean Q, steps/s); may be
   *     null
   * @param log receives a progress line about every 5% of training; may be null
   * @throws IllegalArgumentException if the spaces are not a 1-D {@code Box} and {@code Discrete}
   */
  public static Result train(
      Supplier<? extends Env<float[], Integer>> envFactory,
      DqnConfig c,
      Run run,
      Consumer<String> log) {
    long start = System.nanoTime();
    try (Env<float[], Integer> env = envFactory.get()) {
      int obsDim = obsDim(env);
      int numActions = numActions(env);
      Generator g = new Generator(c.seed());
      QNetwork q = new QNetwork(obsDim, numActions, c.hidden(), new Generator(c.seed() + 1));
      QNetwork target = new QNetwork(obsDim, numActions, c.hidden(), new Generator(c.seed() + 1));
      target.loadStateDict(q.stateDict(), true);
      target.requiresGrad(false);
      Optimizer opt =
          AdamW.builder().lr(c.learningRate()).weightDecay(c.weightDecay()).build(q.parameters());
      ReplayBuffer buffer = new ReplayBuffer(c.bufferSize(), obsDim);
      List<Episode> episodes = new ArrayList<>();
      float[] obs = env.reset(c.seed()).observation();
      double epReturn = 0;
      int epLength = 0;
      long logEvery = Math.max(1, c.totalTimesteps() / 20);
      for (long step = 0; step < c.totalTimesteps(); step++) {
        double eps = c.epsilon(step);
        int action = g.nextDouble() < eps ? g.nextInt(numActions) : q.actGreedy(obs);
        StepResult<float[]> r = env.step(action);
        buffer.add(obs, action, r.reward(), r.observation(), r.terminated());
        epReturn += r.reward();
        epLength++;
        if (r.done()) {
          episodes.add(new Episode(step, epReturn, epLength));
          if (run != null) {
            Map<String, Number> m = new LinkedHashMap<>();
            m.put("episodic_return", epReturn);
            m.put("episodic_length", epLength);
            m.put("epsilon", eps);
            run.log(step, m);
          }
          epReturn = 0;
          epLength = 0;
          obs = env.reset().observation();
        } else {
          obs = r.observation();
        }
        if (step > c.learningStarts()) {
          if (step % c.trainFrequency() == 0) {
            double[] lossAndQ = trainStep(q, target, opt, buffer, c, g);
            if (run != null && (step / c.trainFrequency()) % 100 == 0) {
              Map<String, Number> m = new LinkedHashMap<>();
              m.put("td_loss", lossAndQ[0]);
              m.put("q_values", lossAndQ[1]);
              m.put("sps", step / ((System.nanoTime() - start) / 1e9));
              run.log(step, m);
            }
          }
          if (step % c.targetNetworkFrequency() == 0) {
            updateTarget(q, target, c.tau());
          }
        }
        if (log != null && (step + 1) % logEvery == 0) {
          log.accept(progress(step + 1, c, episodes, start));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(q, List.copyOf(episodes), seconds, c.totalTimesteps() / seconds);
    }
  }

  private static String progress(long step, DqnConfig c, List<Episode> episodes, long start) {
    double mean = 0;
    int n = Math.min(10, episodes.size());
    for (int i = episodes.size() - n; i < episodes.size(); i++) {
      mean += episodes.get(i).episodeReturn();
    }
    return String.format(
        java.util.Locale.ROOT,
        "step %7d/%d  episodes %5d  mean return (last %d) %6.1f  epsilon %.3f  %.0f steps/s",
        step,
        c.totalTimesteps(),
        episodes.size(),
        n,
        n == 0 ? Double.NaN : mean / n,
        c.epsilon(step),
        step / ((System.nanoTime() - start) / 1e9));
  }

  /** One gradient step; returns {@code {loss, mean Q of the taken actions}}. */
  static double[] trainStep(
      QNetwork q, QNetwork target, Optimizer opt, ReplayBuffer buffer, DqnConfig c, Generator g) {
    try (MemoryScope scope = MemoryScope.open()) {
      ReplayBuffer.Batch b = buffer.sample(c.batchSize(), g);
      Tensor tdTarget;
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Tensor nextMax = target.forward(b.nextObs()).max(1, false).values(); // [batch]
        Tensor notDone = b.terminated().neg().add(1.0);
        tdTarget = b.rewards().add(nextMax.mul(notDone).mul(c.gamma()));
      }
      Tensor old = q.forward(b.obs()).gather(1, b.actions()).squeeze(1); // [batch]
      Tensor loss =
          c.loss() == DqnConfig.Loss.MSE ? F.mseLoss(old, tdTarget) : huber(old.sub(tdTarget));
      opt.zeroGrad(true);
      loss.backward();
      if (c.maxGradNorm() > 0) {
        GradClip.clipGradNorm(q.parameters(), c.maxGradNorm());
      }
      opt.step();
      q.snapshot();
      return new double[] {loss.item(), old.mean().item()};
    }
  }

  /** Mean Huber loss (δ = 1) of TD errors {@code d}. */
  static Tensor huber(Tensor d) {
    Tensor abs = d.abs();
    Tensor quadratic = d.square().mul(0.5);
    Tensor linear = abs.sub(0.5);
    return Tensor.where(abs.lt(1.0), quadratic, linear).mean();
  }

  private static void updateTarget(QNetwork q, QNetwork target, double tau) {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      List<Tensor> src = q.parameters();
      List<Tensor> dst = target.parameters();
      for (int i = 0; i < src.size(); i++) {
        Tensor t = dst.get(i);
        t.copy_(tau == 1.0 ? src.get(i) : src.get(i).mul(tau).add(t.mul(1 - tau)));
      }
    }
    target.snapshot();
  }

  /**
   * Returns of {@code episodes} evaluation episodes, acting ε-greedily ({@code epsilon} 0 is
   * greedy; CleanRL evaluates with 0.05) on a fresh environment seeded {@code seed}.
   */
  public static double[] evaluate(
      QNetwork q,
      Supplier<? extends Env<float[], Integer>> envFactory,
      int episodes,
      double epsilon,
      long seed) {
    double[] returns = new double[episodes];
    Generator g = new Generator(seed + 7);
    try (Env<float[], Integer> env = envFactory.get()) {
      int numActions = numActions(env);
      float[] obs = env.reset(seed).observation();
      for (int e = 0; e < episodes; e++) {
        if (e > 0) {
          obs = env.reset().observation();
        }
        double ret = 0;
        while (true) {
          int a = g.nextDouble() < epsilon ? g.nextInt(numActions) : q.actGreedy(obs);
          StepResult<float[]> r = env.step(a);
          ret += r.reward();
          obs = r.observation();
          if (r.done()) {
            break;
          }
        }
        returns[e] = ret;
      }
    }
    return returns;
  }

  private static int obsDim(Env<float[], Integer> env) {
    if (!(env.observationSpace() instanceof Box box) || box.shape().length != 1) {
      throw new IllegalArgumentException(
          "Dqn: needs a 1-D Box observation space, got " + env.observationSpace());
    }
    return box.size();
  }

  private static int numActions(Env<float[], Integer> env) {
    if (!(env.actionSpace() instanceof Discrete d) || d.start() != 0) {
      throw new IllegalArgumentException(
          "Dqn: needs a Discrete action space starting at 0, got " + env.actionSpace());
    }
    return d.n();
  }
}
