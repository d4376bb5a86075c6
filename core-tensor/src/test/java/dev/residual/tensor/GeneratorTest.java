package dev.residual.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeneratorTest {
  @Test
  void theSameSeedGivesTheSameStream() {
    Generator a = new Generator(42);
    Generator b = new Generator(42);
    for (int k = 0; k < 100; k++) {
      assertEquals(a.nextLong(), b.nextLong());
    }
    assertNotEquals(new Generator(1).nextLong(), new Generator(2).nextLong());
  }

  @Test
  void aSavedStateResumesTheStreamExactly() {
    Generator g = new Generator(7);
    for (int k = 0; k < 37; k++) {
      g.nextGaussian();
    }
    long[] state = g.getState();
    double[] expected = {g.nextDouble(), g.nextGaussian(), g.nextLong(1000)};
    Generator other = new Generator(0).setState(state);
    assertArrayEquals(
        expected, new double[] {other.nextDouble(), other.nextGaussian(), other.nextLong(1000)});
    assertEquals(7, other.initialSeed());
  }

  @Test
  void manualSeedRestartsTheStream() {
    Generator g = new Generator(5);
    long first = g.nextLong();
    g.nextLong();
    assertEquals(first, g.manualSeed(5).nextLong());
  }

  @Test
  void drawsHaveTheirDistributions() {
    Generator g = new Generator(3);
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    int[] counts = new int[6];
    for (int k = 0; k < n; k++) {
      double u = g.nextDouble();
      assertTrue(u >= 0 && u < 1);
      double z = g.nextGaussian();
      sum += z;
      sq += z * z;
      counts[(int) g.nextLong(6)]++;
    }
    assertEquals(0.0, sum / n, 0.01);
    assertEquals(1.0, sq / n, 0.01);
    for (int c : counts) {
      assertEquals(n / 6.0, c, n / 6.0 * 0.03);
    }
  }

  @Test
  void badArgumentsAreRefused() {
    Generator g = new Generator(1);
    assertThrows(IllegalArgumentException.class, () -> g.nextLong(0));
    assertThrows(IllegalArgumentException.class, () -> g.setState(new long[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> g.setState(new long[] {0, 0, 0, 0, 9}));
  }

  @Test
  void permutationIsAFisherYatesShuffleOverNextLong() {
    int[] p = new Generator(7).permutation(50);
    int[] sorted = p.clone();
    java.util.Arrays.sort(sorted);
    for (int k = 0; k < 50; k++) {
      assertEquals(k, sorted[k]);
    }
    // the same draws by hand: k = n-1 … 1, j = nextLong(k + 1)
    Generator h = new Generator(7);
    int[] q = new int[50];
    for (int k = 0; k < 50; k++) {
      q[k] = k;
    }
    for (int k = 49; k > 0; k--) {
      int j = (int) h.nextLong(k + 1);
      int t = q[k];
      q[k] = q[j];
      q[j] = t;
    }
    assertArrayEquals(q, p);
    assertEquals(0, new Generator(1).permutation(0).length);
    assertThrows(IllegalArgumentException.class, () -> new Generator(1).permutation(-1));
  }
}
