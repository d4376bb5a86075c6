package dev.residual.rl.env.classic;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CartPoleSpeedTest {
  @Test
  void rejectsANonPositiveDuration() {
    assertThrows(IllegalArgumentException.class, () -> CartPoleSpeed.stepsPerSecond(0, 1));
    assertThrows(IllegalArgumentException.class, () -> CartPoleSpeed.stepsPerSecond(Double.NaN, 1));
  }
}
