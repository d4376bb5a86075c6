package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.Denoiser;
import dev.residual.diffusion.GaussianDiffusion;
import dev.residual.diffusion.NoiseSchedule;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierTrainingTest {
  private static final int SIZE = 8;

  /**
   * {@code n} background images, class 0 with a bright 3x3 block at the top left, class 1 at the
   * bottom right; labels alternate.
   */
  static Tensor[] twoClasses(int n) {
    float[] px = new float[n * SIZE * SIZE];
    long[] labels = new long[n];
    java.util.Arrays.fill(px, -1f);
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      int off = labels[i] == 0 ? 1 : SIZE - 4;
      for (int r = off; r < off + 3; r++) {
        for (int c = off; c < off + 3; c++) {
          px[i * SIZE * SIZE + r * SIZE + c] = 1f;
        }
      }
    }
    return new Tensor[] {Tensor.of(px, n, 1, SIZE, SIZE), Tensor.of(labels, n)};
  }

  private static final ClassifierTraining.Config FAST =
      new ClassifierTraining.Config(4, 16, 1e-2, 0, 1, 0);

  @Test
  void tinyCleanClassifierLearnsTwoClasses() {
    Tensor[] data = twoClasses(64);
    MnistClassifier c =
        new MnistClassifier(new MnistClassifier.Config(4, 8, 2, false, 0), new Generator(0));
    List<ClassifierTraining.Epoch> epochs =
        ClassifierTraining.train(c, data[0], data[1], FAST, null, data[0], data[1], null);
    assertEquals(4, epochs.size());
    assertTrue(epochs.get(3).loss() < epochs.get(0).loss(), epochs.toString());
    assertEquals(1.0, epochs.get(3).testAccuracy(), epochs.toString());
    assertEquals(1.0, ClassifierTraining.accuracy(c, data[0], data[1], null));
  }

  @Test
  void tinyNoisyClassifierLearnsTwoClassesAtLowNoise() {
    Tensor[] data = twoClasses(128);
    GaussianDiffusion d =
        new GaussianDiffusion(NoiseSchedule.linear(100), Denoiser.Prediction.EPSILON);
    MnistClassifier c =
        new MnistClassifier(new MnistClassifier.Config(4, 8, 2, true, 8), new Generator(0));
    List<ClassifierTraining.Epoch> epochs =
        ClassifierTraining.train(
            c,
            data[0],
            data[1],
            new ClassifierTraining.Config(12, 16, 1e-2, 0, 0, 0),
            d,
            null,
            null,
            null);
    assertTrue(Double.isNaN(epochs.get(0).testAccuracy()));
    double acc = ClassifierTraining.accuracyAt(c, data[0], data[1], d, 0, new Generator(9));
    assertTrue(acc >= 0.95, "accuracy at t=0: " + acc);
  }

  @Test
  void diffusionMustMatchTheClassifierKind() {
    Tensor[] data = twoClasses(16);
    GaussianDiffusion d =
        new GaussianDiffusion(NoiseSchedule.linear(100), Denoiser.Prediction.EPSILON);
    MnistClassifier clean =
        new MnistClassifier(new MnistClassifier.Config(4, 8, 2, false, 0), new Generator(0));
    MnistClassifier noisy =
        new MnistClassifier(new MnistClassifier.Config(4, 8, 2, true, 8), new Generator(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierTraining.train(clean, data[0], data[1], FAST, d, null, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierTraining.train(noisy, data[0], data[1], FAST, null, null, null, null));
    IllegalArgumentException at =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassifierTraining.accuracyAt(clean, data[0], data[1], d, 0, new Generator(0)));
    assertTrue(at.getMessage().contains("not time-conditioned"), at.getMessage());
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassifierTraining.accuracyAt(noisy, data[0], data[1], d, 100, new Generator(0)));
    assertTrue(range.getMessage().contains("[0, 100)"), range.getMessage());
  }

  @Test
  void badDataIsRejected() {
    Tensor[] data = twoClasses(8);
    MnistClassifier c =
        new MnistClassifier(new MnistClassifier.Config(4, 8, 2, false, 0), new Generator(0));
    IllegalArgumentException few =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassifierTraining.train(c, data[0], data[1], FAST, null, null, null, null));
    assertTrue(few.getMessage().contains("fewer than one batch"), few.getMessage());
    IllegalArgumentException labels =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClassifierTraining.accuracy(c, data[0], Tensor.zeros(DType.INT64, 7), null));
    assertTrue(labels.getMessage().contains("[8, 1, 8, 8]"), labels.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierTraining.accuracy(c, data[0], data[1], Tensor.zeros(DType.INT64, 3)));
    assertThrows(
        IllegalArgumentException.class, () -> new ClassifierTraining.Config(0, 16, 1e-3, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new ClassifierTraining.Config(1, 16, 1e-3, 0, -1, 0));
  }

  @Test
  void randomShiftMovesContentAndFillsBackground() {
    Tensor[] data = twoClasses(32);
    Tensor shifted = ClassifierTraining.randomShift(data[0], 1, new Generator(3));
    assertArrayEquals(data[0].shape(), shifted.shape());
    // Each block sits at least one pixel from the border, so a shift of ±1 keeps all nine pixels.
    float[] v = shifted.toFloatArray();
    for (int i = 0; i < 32; i++) {
      int bright = 0;
      for (int k = 0; k < SIZE * SIZE; k++) {
        float p = v[i * SIZE * SIZE + k];
        assertTrue(p == 1f || p == -1f);
        bright += p == 1f ? 1 : 0;
      }
      assertEquals(9, bright);
    }
    assertArrayEquals(
        data[0].toFloatArray(),
        ClassifierTraining.randomShift(data[0], 0, new Generator(3)).toFloatArray());
  }

  @Test
  void randomShiftProducesOneOfTheNineShiftsOfATwoByTwoImage() {
    // [[1, 2], [3, 4]] shifted by (dy, dx) in {-1, 0, 1}^2: output (r, c) = input (r - dy, c - dx)
    // where that exists, else -1.
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        float[] e = new float[4];
        for (int r = 0; r < 2; r++) {
          for (int c = 0; c < 2; c++) {
            int sr = r - dy;
            int sc = c - dx;
            e[r * 2 + c] = sr >= 0 && sr < 2 && sc >= 0 && sc < 2 ? 1 + sr * 2 + sc : -1;
          }
        }
        expected.add(java.util.Arrays.toString(e));
      }
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    Generator g = new Generator(0);
    for (int i = 0; i < 200; i++) {
      String y = java.util.Arrays.toString(ClassifierTraining.randomShift(x, 1, g).toFloatArray());
      assertTrue(expected.contains(y), y);
      seen.add(y);
    }
    assertEquals(expected, seen);
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassifierTraining.randomShift(Tensor.zeros(2, 2), 1, new Generator(0)));
  }
}
