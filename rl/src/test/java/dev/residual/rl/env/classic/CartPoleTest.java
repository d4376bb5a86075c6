package dev.residual.rl.env.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.tensor.Generator;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CartPoleTest {
  private static final double[] START = {0.01, -0.02, 0.03, 0.04};
  private static final int[] ACTIONS = {1, 0, 0, 1, 1};

  private static CartPole at(double... state) {
    CartPole env = new CartPole();
    env.reset(null, Map.of("state", state));
    return env;
  }

  @Test
  void dynamicsMatchEquationsWrittenOutStepByStep() {
    CartPole env = at(START.clone());
    double x = START[0];
    double xDot = START[1];
    double theta = START[2];
    double thetaDot = START[3];
    for (int a : ACTIONS) {
      double force = a == 1 ? 10.0 : -10.0;
      double cos = Math.cos(theta);
      double sin = Math.sin(theta);
      double totalMass = 1.0 + 0.1;
      double polemassLength = 0.1 * 0.5;
      double temp = (force + polemassLength * thetaDot * thetaDot * sin) / totalMass;
      double thetaAcc =
          (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / totalMass));
      double xAcc = temp - polemassLength * thetaAcc * cos / totalMass;
      // Euler: positions from the old velocities, then the velocities.
      x = x + 0.02 * xDot;
      xDot = xDot + 0.02 * xAcc;
      theta = theta + 0.02 * thetaDot;
      thetaDot = thetaDot + 0.02 * thetaAcc;

      StepResult<float[]> r = env.step(a);
      assertArrayEquals(new double[] {x, xDot, theta, thetaDot}, env.state(), 1e-14);
      assertArrayEquals(
          new float[] {(float) x, (float) xDot, (float) theta, (float) thetaDot},
          r.observation(),
          0f);
    }
  }

  @Test
  void dynamicsMatchHandComputedNumbers() {
    // Computed with Gymnasium's formulas in double precision, action sequence 1, 0, 0, 1, 1.
    double[][] expected = {
      {0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081},
      {0.013093583914951107, -0.020868848948191993, 0.025938625640799837, 0.0591679999394166},
      {0.012676206935987267, -0.21635292104612766, 0.02712198563958817, 0.3599205713784138},
      {0.008349148515064714, -0.021626799199488206, 0.03432039706715644, 0.0759116989474441},
      {0.00791661253107495, 0.17298676004769037, 0.035838631046105324, -0.20574851582677406}
    };
    CartPole env = at(START.clone());
    for (int t = 0; t < ACTIONS.length; t++) {
      StepResult<float[]> r = env.step(ACTIONS[t]);
      assertArrayEquals(expected[t], env.state(), 1e-12, "step " + t);
      assertEquals(1.0, r.reward());
      assertFalse(r.terminated());
      assertFalse(r.truncated());
    }
  }

  @Test
  void firstStepFromRestPushesCartRightAndPoleLeft() {
    // From the upright rest state, a push right: temp = 10/1.1, thetaAcc =
    // -temp/(0.5*(4/3-0.1/1.1)).
    CartPole env = at(0, 0, 0, 0);
    env.step(1);
    double temp = 10.0 / 1.1;
    double thetaAcc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
    double xAcc = temp - 0.05 * thetaAcc / 1.1;
    assertArrayEquals(new double[] {0, 0.02 * xAcc, 0, 0.02 * thetaAcc}, env.state(), 1e-15);
    assertEquals(-14.634146341463415, thetaAcc, 1e-12);
  }

  @Test
  void terminatesOnlyStrictlyBeyondXThreshold() {
    assertFalse(at(2.4, 0, 0, 0).step(1).terminated());
    assertTrue(at(2.4, 1e-6, 0, 0).step(1).terminated());
    assertFalse(at(-2.4, 0, 0, 0).step(0).terminated());
    assertTrue(at(-2.4, -1e-6, 0, 0).step(0).terminated());
  }

  @Test
  void terminatesOnlyStrictlyBeyondTwelveDegrees() {
    double th = 0.20943951023931953;
    assertEquals(12 * 2 * Math.PI / 360, CartPole.THETA_THRESHOLD_RADIANS);
    assertEquals(th, CartPole.THETA_THRESHOLD_RADIANS);
    assertFalse(at(0, 0, th, 0).step(0).terminated());
    assertTrue(at(0, 0, th, 1e-6).step(0).terminated());
    assertFalse(at(0, 0, -th, 0).step(1).terminated());
    assertTrue(at(0, 0, -th, -1e-6).step(1).terminated());
  }

  @Test
  void rewardIsOneOnEveryStepIncludingTheTerminatingOne() {
    CartPole env = new CartPole();
    env.reset(3L);
    double total = 0;
    int steps = 0;
    StepResult<float[]> r;
    do {
      r = env.step(1);
      assertEquals(1.0, r.reward());
      total += r.reward();
      steps++;
    } while (!r.terminated());
    assertEquals(steps, total);
    assertFalse(r.truncated());
    assertTrue(steps > 1 && steps < 100, "always pushing right falls quickly, took " + steps);
  }

  @Test
  void stepAfterTerminationIsAnError() {
    CartPole env = at(2.4, 1, 0, 0);
    assertTrue(env.step(1).terminated());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(1));
    assertTrue(e.getMessage().contains("after the episode ended"), e.getMessage());
  }

  @Test
  void stepBeforeResetIsAnError() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new CartPole().step(0));
    assertTrue(e.getMessage().contains("before reset"), e.getMessage());
  }

  @Test
  void invalidActionsAreRejected() {
    CartPole env = at(0, 0, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> env.step(2));
    assertThrows(IllegalArgumentException.class, () -> env.step(-1));
    assertThrows(IllegalArgumentException.class, () -> env.step(null));
  }

  @Test
  void resetDrawsAllFourFromUniformMinus005To005WithTheEnvGenerator() {
    CartPole env = new CartPole();
    ResetResult<float[]> r = env.reset(42L);
    Generator g = new Generator(42);
    double[] expected = new double[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = -0.05 + 0.1 * g.nextDouble();
    }
    assertArrayEquals(expected, env.state(), 1e-17);
    for (int i = 0; i < 4; i++) {
      assertEquals((float) expected[i], r.observation()[i]);
    }
    for (int k = 0; k < 200; k++) {
      for (double v : env.state()) {
        assertTrue(v >= -0.05 && v <= 0.05, "reset value " + v);
      }
      env.reset();
    }
    assertTrue(r.info().isEmpty());
  }

  @Test
  void resetHonoursLowAndHighOptions() {
    CartPole env = new CartPole();
    env.reset(1L, Map.of("low", 0.1, "high", 0.2));
    for (double v : env.state()) {
      assertTrue(v >= 0.1 && v <= 0.2, "reset value " + v);
    }
  }

  @Test
  void sameSeedGivesSameTrajectory() {
    assertEquals(trajectory(7L), trajectory(7L));
    List<String> a = trajectory(7L);
    List<String> b = trajectory(8L);
    assertFalse(a.equals(b));
  }

  private static List<String> trajectory(long seed) {
    CartPole env = new CartPole();
    Generator actions = new Generator(99);
    List<String> out = new ArrayList<>();
    out.add(java.util.Arrays.toString(env.reset(seed).observation()));
    for (int episode = 0; episode < 3; episode++) {
      StepResult<float[]> r;
      do {
        r = env.step(actions.nextInt(2));
        out.add(java.util.Arrays.toString(r.observation()));
      } while (!r.terminated());
      out.add("reset " + java.util.Arrays.toString(env.reset().observation()));
    }
    return out;
  }

  @Test
  void unseededResetContinuesTheStream() {
    CartPole a = new CartPole();
    a.reset(5L);
    float[] second = a.reset().observation();
    CartPole b = new CartPole();
    float[] first = b.reset(5L).observation();
    assertFalse(java.util.Arrays.equals(first, second));
    float[] again = b.reset().observation();
    assertArrayEquals(second, again);
    float[] reseeded = b.reset(5L).observation();
    assertArrayEquals(first, reseeded);
  }

  @Test
  void resetOptionErrorsNameTheProblem() {
    CartPole env = new CartPole();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> env.reset(null, Map.of("state", new double[] {0, 0, 0})));
    assertTrue(e.getMessage().contains("double[4]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> env.reset(null, Map.of("state", new float[] {0, 0, 0, 0})));
    assertThrows(
        IllegalArgumentException.class,
        () -> env.reset(null, Map.of("state", new double[] {0, Double.NaN, 0, 0})));
    assertThrows(
        IllegalArgumentException.class, () -> env.reset(null, Map.of("low", 0.1, "high", -0.1)));
    assertThrows(IllegalArgumentException.class, () -> env.reset(null, Map.of("low", "a")));
  }

  @Test
  void spacesAreGymnasiums() {
    CartPole env = new CartPole();
    Discrete a = (Discrete) env.actionSpace();
    assertEquals(2, a.n());
    assertEquals(0, a.start());
    Box o = (Box) env.observationSpace();
    assertArrayEquals(new int[] {4}, o.shape());
    float[] high = {4.8f, Float.MAX_VALUE, (float) (2 * 0.20943951023931953), Float.MAX_VALUE};
    assertArrayEquals(high, o.high());
    assertArrayEquals(new float[] {-high[0], -high[1], -high[2], -high[3]}, o.low());
  }

  @Test
  void renderDrawsCartAndPoleOnA600By400RgbImage() {
    CartPole env = new CartPole();
    assertTrue(env.render().isEmpty());
    env.reset(null, Map.of("state", new double[] {0, 0, 0.2, 0}));
    BufferedImage img = env.render().orElseThrow();
    assertEquals(600, img.getWidth());
    assertEquals(400, img.getHeight());
    assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
    assertEquals(0xFFFFFF, img.getRGB(5, 5) & 0xFFFFFF);
    // Cart centre below the axle (screen y = 400 - 100), black.
    assertEquals(0x000000, img.getRGB(300, 306) & 0xFFFFFF);
    // 100 px along a pole (125 px long) leaning right by 0.2 rad from the axle at (300, 400 -
    // 107.5).
    int px = (int) Math.round(300 + 100 * Math.sin(0.2));
    int py = (int) Math.round(400 - 107.5 - 100 * Math.cos(0.2));
    assertEquals(0xCA9865, img.getRGB(px, py) & 0xFFFFFF);
    // The mirror point on the left is background.
    assertEquals(0xFFFFFF, img.getRGB(600 - px, py) & 0xFFFFFF);
  }
}
