package dev.residual.rl.env;

import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Map;
import java.util.Optional;

/**
 * A deterministic test environment: the observation is the step count {@code t} (0 after reset),
 * the reward of step {@code t} is {@code t}, and the episode terminates at {@code t == k}. Reset's
 * info carries {@code "draw"}, a number from the env's generator (to check seeding), and {@code
 * "resets"}, the number of resets so far; step's info carries {@code "t"}. Render paints an 8x6
 * image whose red channel is {@code 20 t}.
 */
public class CountingEnv extends AbstractEnv<Integer, Integer> {
  private final int k;
  private final boolean renders;
  private final Discrete obsSpace;
  private final Discrete actSpace = new Discrete(2);
  private int t;
  private int resets;

  public CountingEnv(int k) {
    this(k, true);
  }

  public CountingEnv(int k, boolean renders) {
    this.k = k;
    this.renders = renders;
    this.obsSpace = new Discrete(k + 1);
  }

  @Override
  protected ResetResult<Integer> doReset(Map<String, Object> options) {
    t = 0;
    resets++;
    return new ResetResult<>(0, Map.of("draw", rng().nextInt(1_000_000), "resets", resets));
  }

  @Override
  protected StepResult<Integer> doStep(Integer action) {
    t++;
    return new StepResult<>(t, t, t == k, false, Map.of("t", t));
  }

  @Override
  public Space<Integer> observationSpace() {
    return obsSpace;
  }

  @Override
  public Space<Integer> actionSpace() {
    return actSpace;
  }

  @Override
  public Optional<BufferedImage> render() {
    if (!renders) {
      return Optional.empty();
    }
    BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(Math.min(255, 20 * t), 0, 0));
    g.fillRect(0, 0, 8, 6);
    g.dispose();
    return Optional.of(img);
  }

  /** The current step count. */
  public int t() {
    return t;
  }
}
