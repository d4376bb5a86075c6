package dev.residual.rl.env.classic;

import dev.residual.plot.Plots;
import dev.residual.rl.env.AbstractEnv;
import dev.residual.rl.env.ResetResult;
import dev.residual.rl.env.StepResult;
import dev.residual.rl.env.spaces.Box;
import dev.residual.rl.env.spaces.Discrete;
import dev.residual.rl.env.spaces.Space;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * CartPole-v1, an exact port of Gymnasium's {@code CartPoleEnv} (Barto, Sutton and Anderson 1983):
 * a pole hinged on a cart that moves along a frictionless track; the agent pushes the cart left or
 * right with a fixed force and must keep the pole upright.
 *
 * <p><b>State</b> (kept in {@code double}, returned as a {@code float[4]} observation): {@code [x
 * (m), x_dot (m/s), theta (rad, 0 = upright, positive = leaning right), theta_dot (rad/s)]}.
 *
 * <p><b>Observation space</b>: {@code Box(-high, high)} with {@code high = [4.8, Float.MAX_VALUE,
 * 0.41887903, Float.MAX_VALUE]} (twice the termination thresholds). Gymnasium 1.3 writes infinity
 * for the two velocity bounds; the only difference is what {@code sample()} draws for them.
 *
 * <p><b>Actions</b>: {@code Discrete(2)}; 0 pushes the cart left with 10 N, 1 pushes it right.
 *
 * <p><b>Dynamics</b> (explicit Euler, τ = 0.02 s): with {@code temp = (F + m_p l θ̇² sin θ) / M},
 * {@code θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / M))} and {@code ẍ = temp − m_p l θ̈
 * cos θ / M}, the positions are advanced from the old velocities ({@code x += τ ẋ}, {@code θ += τ
 * θ̇}), then the velocities ({@code ẋ += τ ẍ}, {@code θ̇ += τ θ̈}). g = 9.8, cart mass 1.0, pole
 * mass 0.1, M = 1.1, l = 0.5 (half the pole's length), F = ±10.
 *
 * <p><b>Episode</b>: reward +1 on every step, the terminating one included; terminated when {@code
 * x < −2.4 or x > 2.4 or θ < −12° or θ > 12°} (12° = 0.20943951023931953 rad). No time limit of its
 * own: {@link dev.residual.rl.env.Envs#make(String) Envs.make("CartPole-v1")} adds the 500-step
 * {@link dev.residual.rl.env.wrappers.TimeLimit}. Stepping after termination is an {@link
 * IllegalStateException} (Gymnasium only warns).
 *
 * <p><b>Reset</b>: all four state variables from U(−0.05, 0.05), drawn from {@link #rng()}.
 * Options: {@code "low"} and {@code "high"} (numbers) change those bounds, as in Gymnasium; {@code
 * "state"} (a {@code double[4]}, Residual's addition) sets the state exactly, for tests and
 * demonstrations.
 *
 * <p><b>Render</b>: Gymnasium's 600x400 picture (cart, pole, axle and track), as an RGB image.
 */
public final class CartPole extends AbstractEnv<float[], Integer> {
  /** Gravitational acceleration, m/s². */
  public static final double GRAVITY = 9.8;

  /** Mass of the cart, kg. */
  public static final double MASS_CART = 1.0;

  /** Mass of the pole, kg. */
  public static final double MASS_POLE = 0.1;

  /** Cart plus pole, kg. */
  public static final double TOTAL_MASS = MASS_POLE + MASS_CART;

  /** Half the pole's length, m (Gymnasium's {@code length}). */
  public static final double LENGTH = 0.5;

  /** Pole mass times half-length, kg·m. */
  public static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;

  /** Magnitude of the push, N. */
  public static final double FORCE_MAG = 10.0;

  /** Seconds between state updates. */
  public static final double TAU = 0.02;

  /** The angle beyond which the episode terminates: 12°, in radians. */
  public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;

  /** The cart position beyond which the episode terminates, m. */
  public static final double X_THRESHOLD = 2.4;

  /** The width of {@link #render()}'s image, pixels. */
  public static final int SCREEN_WIDTH = 600;

  /** The height of {@link #render()}'s image, pixels. */
  public static final int SCREEN_HEIGHT = 400;

  private final Discrete actionSpace = new Discrete(2);
  private final Box observationSpace;
  private final double[] state = new double[4];
  private boolean hasState;

  /** A cart-pole; call {@link #reset} before stepping. */
  public CartPole() {
    float[] high = {
      (float) (X_THRESHOLD * 2),
      Float.MAX_VALUE,
      (float) (THETA_THRESHOLD_RADIANS * 2),
      Float.MAX_VALUE
    };
    float[] low = new float[4];
    for (int i = 0; i < 4; i++) {
      low[i] = -high[i];
    }
    observationSpace = new Box(low, high, 4);
  }

  @Override
  public Space<float[]> observationSpace() {
    return observationSpace;
  }

  @Override
  public Space<Integer> actionSpace() {
    return actionSpace;
  }

  /** The current state {@code [x, x_dot, theta, theta_dot]} in double (a copy). */
  public double[] state() {
    return state.clone();
  }

  /**
   * @throws IllegalArgumentException if option {@code "state"} is not a finite {@code double[4]},
   *     or {@code "low"}/{@code "high"} are not numbers with {@code low <= high}
   */
  @Override
  protected ResetResult<float[]> doReset(Map<String, Object> options) {
    Object given = options.get("state");
    if (given != null) {
      if (!(given instanceof double[] s) || s.length != 4) {
        throw new IllegalArgumentException(
            "CartPole.reset: option \"state\" must be a double[4] [x, x_dot, theta, theta_dot], got "
                + describe(given));
      }
      for (double v : s) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(
              "CartPole.reset: option \"state\" must be finite, got " + Arrays.toString(s));
        }
      }
      System.arraycopy(s, 0, state, 0, 4);
    } else {
      double low = bound(options, "low", -0.05);
      double high = bound(options, "high", 0.05);
      if (!(low <= high)) {
        throw new IllegalArgumentException(
            "CartPole.reset: option low " + low + " must be <= high " + high);
      }
      for (int i = 0; i < 4; i++) {
        state[i] = low + (high - low) * rng().nextDouble();
      }
    }
    hasState = true;
    return ResetResult.of(observation());
  }

  private static double bound(Map<String, Object> options, String key, double dflt) {
    Object v = options.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw new IllegalArgumentException(
          "CartPole.reset: option \"" + key + "\" must be a finite number, got " + describe(v));
    }
    return n.doubleValue();
  }

  private static String describe(Object o) {
    if (o instanceof double[] d) {
      return "double[" + d.length + "] " + Arrays.toString(d);
    }
    return o.getClass().getSimpleName() + " " + o;
  }

  @Override
  protected StepResult<float[]> doStep(Integer action) {
    double x = state[0];
    double xDot = state[1];
    double theta = state[2];
    double thetaDot = state[3];
    double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sin - cos * temp)
            / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
    double xAcc = temp - POLEMASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    state[0] = x + TAU * xDot;
    state[1] = xDot + TAU * xAcc;
    state[2] = theta + TAU * thetaDot;
    state[3] = thetaDot + TAU * thetaAcc;
    boolean terminated =
        state[0] < -X_THRESHOLD
            || state[0] > X_THRESHOLD
            || state[2] < -THETA_THRESHOLD_RADIANS
            || state[2] > THETA_THRESHOLD_RADIANS;
    return new StepResult<>(observation(), 1.0, terminated, false, Map.of());
  }

  private float[] observation() {
    return new float[] {(float) state[0], (float) state[1], (float) state[2], (float) state[3]};
  }

  /**
   * Gymnasium's picture of the current state: a 600x400 RGB image with the track, the cart (50x30
   * px), the pole (10 px wide, 2 * length * scale long) and its axle, 2.4 m of track = 300 px.
   *
   * @return empty before the first reset
   */
  @Override
  public Optional<BufferedImage> render() {
    if (!hasState) {
      return Optional.empty();
    }
    Plots.ensureHeadless();
    BufferedImage img = new BufferedImage(SCREEN_WIDTH, SCREEN_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, SCREEN_WIDTH, SCREEN_HEIGHT);
      // Gymnasium draws with y up and flips the surface at the end; this transform does the same.
      g.transform(new AffineTransform(1, 0, 0, -1, 0, SCREEN_HEIGHT));

      double worldWidth = X_THRESHOLD * 2;
      double scale = SCREEN_WIDTH / worldWidth;
      double poleWidth = 10.0;
      double poleLen = scale * (2 * LENGTH);
      double cartWidth = 50.0;
      double cartHeight = 30.0;
      double cartX = state[0] * scale + SCREEN_WIDTH / 2.0;
      double cartY = 100;
      double axleOffset = cartHeight / 4.0;

      g.setColor(Color.BLACK);
      g.setStroke(new BasicStroke(1f));
      g.draw(new Line2D.Double(0, cartY, SCREEN_WIDTH, cartY));

      g.fill(
          new Rectangle2D.Double(
              cartX - cartWidth / 2, cartY - cartHeight / 2, cartWidth, cartHeight));

      AffineTransform beforePole = g.getTransform();
      g.translate(cartX, cartY + axleOffset);
      // Gymnasium rotates the pole's corners by -theta: positive theta leans the pole right.
      g.rotate(-state[2]);
      g.setColor(new Color(202, 152, 101));
      g.fill(new Rectangle2D.Double(-poleWidth / 2, -poleWidth / 2, poleWidth, poleLen));
      g.setTransform(beforePole);

      g.setColor(new Color(129, 132, 203));
      g.fill(
          new Ellipse2D.Double(
              cartX - poleWidth / 2, cartY + axleOffset - poleWidth / 2, poleWidth, poleWidth));
    } finally {
      g.dispose();
    }
    return Optional.of(img);
  }

  @Override
  public String toString() {
    return "CartPole-v1";
  }
}
