package dev.residual.rl.env.classic;

import dev.residual.rl.env.StepResult;
import dev.residual.tensor.Generator;

/**
 * Measures CartPole's raw simulation speed: one environment, uniformly random actions, resetting
 * whenever an episode terminates, for a fixed wall-clock time. Not a unit test (timings on a shared
 * machine are noise); run it by hand:
 *
 * <pre>{@code
 * java -cp ... dev.residual.rl.env.classic.CartPoleSpeed [seconds, default 5]
 * }</pre>
 */
public final class CartPoleSpeed {
  // Observations are summed into this field so the JIT cannot drop their construction.
  private static double sink;

  private CartPoleSpeed() {}

  /**
   * Steps a fresh {@link CartPole} with random actions for about {@code seconds} of wall time
   * (after a one-second warm-up for the JIT) and returns the rate.
   *
   * @param seconds how long to measure, > 0
   * @param seed seeds both the environment and the action generator
   * @return environment steps per second (resets not counted as steps)
   * @throws IllegalArgumentException if {@code seconds <= 0}
   */
  public static double stepsPerSecond(double seconds, long seed) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("CartPoleSpeed: seconds must be > 0, got " + seconds);
    }
    CartPole env = new CartPole();
    Generator actions = new Generator(seed);
    env.reset(seed);
    run(env, actions, 1_000_000_000L);
    long nanos = (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    long steps = run(env, actions, nanos);
    return steps / ((System.nanoTime() - t0) / 1e9);
  }

  private static long run(CartPole env, Generator actions, long nanos) {
    long deadline = System.nanoTime() + nanos;
    long steps = 0;
    double acc = 0;
    // Checking the clock every 1024 steps keeps System.nanoTime out of the measured cost.
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < 1024; i++) {
        StepResult<float[]> r = env.step(actions.nextInt(2));
        float[] obs = r.observation();
        acc += obs[0] + obs[1] + obs[2] + obs[3] + r.reward();
        if (r.terminated()) {
          env.reset();
        }
      }
      steps += 1024;
    }
    sink += acc;
    return steps;
  }

  /**
   * Prints CartPole's steps per second.
   *
   * @param args optional: the measuring time in seconds (default 5)
   */
  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
    double rate = stepsPerSecond(seconds, 0L);
    System.out.printf(
        "CartPole-v1: %.0f steps/s (single env, random actions, %.1f s; checksum %.3g)%n",
        rate, seconds, sink);
  }
}
