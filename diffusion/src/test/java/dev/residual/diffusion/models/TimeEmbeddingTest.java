package dev.residual.diffusion.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TimeEmbeddingTest {
  @Test
  void sinusoidalMatchesHandComputedValues() {
    // dim 4: half = 2, frequencies exp(0) = 1 and exp(-ln(10000) / 2) = 1/100.
    Tensor e = TimeEmbedding.sinusoidal(Tensor.of(new long[] {0, 1, 100}, 3), 4, DType.FLOAT64);
    assertArrayEquals(new long[] {3, 4}, e.shape());
    assertEquals(DType.FLOAT64, e.dtype());
    double[] expected = {
      0,
      0,
      1,
      1,
      Math.sin(1),
      Math.sin(0.01),
      Math.cos(1),
      Math.cos(0.01),
      Math.sin(100),
      Math.sin(1),
      Math.cos(100),
      Math.cos(1)
    };
    assertArrayEquals(expected, e.toDoubleArray(), 1e-12);
  }

  @Test
  void sinusoidalModuleGivesBatchByDimInDefaultType() {
    TimeEmbedding emb = TimeEmbedding.sinusoidal(32);
    Tensor e = emb.forward(Tensor.of(new long[] {0, 5, 999, 3, 7}, 5));
    assertArrayEquals(new long[] {5, 32}, e.shape());
    assertEquals(DType.FLOAT32, e.dtype());
    assertFalse(emb.isLearned());
    assertTrue(emb.parameters().isEmpty());
    // sin² + cos² = 1 for every frequency.
    float[] v = e.toFloatArray();
    for (int r = 0; r < 5; r++) {
      for (int i = 0; i < 16; i++) {
        double s = v[r * 32 + i];
        double c = v[r * 32 + 16 + i];
        assertEquals(1.0, s * s + c * c, 1e-6);
      }
    }
  }

  @Test
  void learnedEmbeddingLooksUpOneRowPerTimestep() {
    TimeEmbedding emb = TimeEmbedding.learned(10, 6, new Generator(1));
    assertTrue(emb.isLearned());
    assertEquals(60, emb.numParameters());
    Tensor e = emb.forward(Tensor.of(new long[] {3, 3, 9}, 3));
    assertArrayEquals(new long[] {3, 6}, e.shape());
    double[] v = e.toDoubleArray();
    for (int i = 0; i < 6; i++) {
      assertEquals(v[i], v[6 + i]);
    }
  }

  @Test
  void oddOrNonPositiveDimIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimeEmbedding.sinusoidal(5));
    assertTrue(e.getMessage().contains("5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TimeEmbedding.sinusoidal(0));
    assertThrows(
        IllegalArgumentException.class, () -> TimeEmbedding.learned(0, 4, new Generator(0)));
  }

  @Test
  void timestepsThatAreNotOneDimensionalAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TimeEmbedding.sinusoidal(4).forward(Tensor.zeros(DType.INT64, 2, 2)));
    assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
  }

  @Test
  void learnedEmbeddingRejectsOutOfRangeAndFloatTimesteps() {
    TimeEmbedding emb = TimeEmbedding.learned(10, 4, new Generator(0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> emb.forward(Tensor.of(new long[] {10}, 1)));
    assertTrue(e.getMessage().contains("10"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> emb.forward(Tensor.of(new float[] {1f}, 1)));
  }
}
