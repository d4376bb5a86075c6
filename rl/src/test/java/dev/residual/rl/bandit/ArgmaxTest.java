package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.residual.tensor.Generator;
import org.junit.jupiter.api.Test;

class ArgmaxTest {
  @Test
  void uniqueMaximumIsReturnedWithoutDrawing() {
    Generator g = new Generator(1);
    long[] before = g.getState();
    assertEquals(2, Argmax.randomTieBreak(new double[] {1, -2, 5, 4.999}, g));
    assertEquals(0, Argmax.randomTieBreak(new double[] {7}, g));
    assertArrayEquals(before, g.getState());
  }

  @Test
  void tiesAreBrokenUniformlyAtRandom() {
    Generator g = new Generator(2);
    double[] v = {1, 3, 3, 0, 3};
    int[] counts = new int[v.length];
    int n = 30000;
    for (int i = 0; i < n; i++) {
      counts[Argmax.randomTieBreak(v, g)]++;
    }
    assertEquals(0, counts[0]);
    assertEquals(0, counts[3]);
    // Each tied index has probability 1/3: s.d. of a count is ~82, so 5 s.d. is ~400.
    for (int i : new int[] {1, 2, 4}) {
      assertEquals(n / 3.0, counts[i], 400, "index " + i);
    }
  }

  @Test
  void emptyValuesAreAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Argmax.randomTieBreak(new double[0], new Generator(0)));
    assertEquals("Argmax.randomTieBreak: values must not be empty", e.getMessage());
  }
}
