package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.models.UNet;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTrainerTest {
  private static UNet tinyNet(int classes) {
    return new UNet(
        1, 4, new int[] {1, 2}, 1, new int[0], false, 2, 0.0, classes, new Generator(3));
  }

  private static GaussianDiffusion diffusion() {
    return new GaussianDiffusion(NoiseSchedule.linear(100), Denoiser.Prediction.EPSILON);
  }

  private static Tensor images(int n) {
    return Tensor.rand(new Generator(5), n, 1, 8, 8).mul(2.0).sub(1.0);
  }

  private static ImageTrainer.Config config() {
    return new ImageTrainer.Config(3, 1e-2, 0.0, 2, 0.9, 0.2, 1.0, 11);
  }

  @Test
  void resumingFromACheckpointContinuesBitForBit(@TempDir Path dir) throws Exception {
    Tensor x = images(7);
    Tensor y = Tensor.of(new long[] {0, 1, 2, 0, 1, 2, 0});
    ImageTrainer a = new ImageTrainer(tinyNet(3), diffusion(), x, y, config());
    for (int k = 0; k < 4; k++) {
      a.trainStep();
    }
    a.save(dir, Map.of("note", "test"));
    double[] lossesA = new double[3];
    for (int k = 0; k < 3; k++) {
      lossesA[k] = a.trainStep();
    }
    ImageTrainer b = new ImageTrainer(tinyNet(3), diffusion(), x, y, config());
    b.resume(dir);
    assertEquals(4, b.step());
    double[] lossesB = new double[3];
    for (int k = 0; k < 3; k++) {
      lossesB[k] = b.trainStep();
    }
    assertArrayEquals(lossesA, lossesB, 0.0);
    var pa = a.model().parameters();
    var pb = b.model().parameters();
    for (int k = 0; k < pa.size(); k++) {
      assertArrayEquals(pa.get(k).toDoubleArray(), pb.get(k).toDoubleArray(), 0.0);
    }
    var ea = a.ema().shadows();
    var eb = b.ema().shadows();
    for (int k = 0; k < ea.size(); k++) {
      assertArrayEquals(ea.get(k).toDoubleArray(), eb.get(k).toDoubleArray(), 0.0);
    }
  }

  @Test
  void trainingLowersTheLossOnASingleImage() {
    Tensor x = images(1).repeat(8, 1, 1, 1);
    ImageTrainer t =
        new ImageTrainer(
            tinyNet(0), diffusion(), x, null, new ImageTrainer.Config(8, 3e-3, 0, 0, 0.9, 0, 0, 1));
    double first = 0;
    double last = 0;
    for (int k = 0; k < 60; k++) {
      double l = t.trainStep();
      if (k < 10) {
        first += l / 10;
      } else if (k >= 50) {
        last += l / 10;
      }
    }
    assertTrue(last < 0.8 * first, "loss " + first + " -> " + last);
  }

  @Test
  void emaWeightsAreSwappedInOnlyInsideWithEmaWeights() {
    ImageTrainer t = new ImageTrainer(tinyNet(0), diffusion(), images(4), null, config());
    t.trainStep();
    t.trainStep();
    double[] raw = t.model().parameters().get(0).toDoubleArray();
    double[] inside = t.withEmaWeights(() -> t.model().parameters().get(0).toDoubleArray());
    assertArrayEquals(t.ema().shadows().get(0).toDoubleArray(), inside, 0.0);
    assertArrayEquals(raw, t.model().parameters().get(0).toDoubleArray(), 0.0);
    assertTrue(t.model().isTraining());
  }

  private static ImageTrainer unconditionalOnTwoImages(ImageTrainer.Config c) {
    return new ImageTrainer(tinyNet(0), diffusion(), images(2), null, c);
  }

  @Test
  void theEmaWarmsUpSoThatInitialWeightsFadeQuickly() {
    ImageTrainer t =
        unconditionalOnTwoImages(new ImageTrainer.Config(2, 1e-3, 0, 0, 0.999, 0, 0, 0));
    t.trainStep();
    // the first update copies the weights (decay 0), later ones use (1 + n)/(10 + n)
    assertArrayEquals(
        t.model().parameters().get(0).toDoubleArray(),
        t.ema().shadows().get(0).toDoubleArray(),
        0.0);
    assertEquals(2.0 / 11.0, t.ema().currentDecay(), 1e-15);
  }

  @Test
  void warmupRampsTheLearningRateLinearly() {
    ImageTrainer t = unconditionalOnTwoImages(new ImageTrainer.Config(2, 1.0, 0, 4, 0.9, 0, 0, 0));
    assertEquals(0.25, t.lrAt(1), 1e-15);
    assertEquals(0.75, t.lrAt(3), 1e-15);
    assertEquals(1.0, t.lrAt(4), 1e-15);
    assertEquals(1.0, t.lrAt(100), 1e-15);
  }

  @Test
  void cosineDecayFollowsTheStableStepsAndEndsAtMinLr() {
    ImageTrainer t =
        unconditionalOnTwoImages(
            new ImageTrainer.Config(2, 1.0, 0, 4, 0.9, 0, 0, 0).withCosineDecay(10, 20, 0.1));
    assertEquals(0.5, t.lrAt(2), 1e-15);
    assertEquals(1.0, t.lrAt(10), 1e-15);
    // halfway: 0.1 + ½(1 + cos(π/2))·0.9
    assertEquals(0.55, t.lrAt(15), 1e-12);
    assertEquals(0.1 + 0.5 * (1 + Math.cos(Math.PI * 0.3)) * 0.9, t.lrAt(13), 1e-12);
    assertEquals(0.1, t.lrAt(20), 1e-15);
    assertEquals(0.1, t.lrAt(1000), 1e-15);
  }

  @Test
  void decayOutsideTheWarmupOrAboveLrIsRefused() {
    ImageTrainer.Config c = new ImageTrainer.Config(2, 1e-3, 0, 4, 0.9, 0, 0, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> c.withCosineDecay(2, 20, 0));
    assertTrue(e.getMessage().contains("warmupSteps <= decayStart < decayEnd"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.withCosineDecay(10, 10, 0));
    e = assertThrows(IllegalArgumentException.class, () -> c.withCosineDecay(10, 20, 2e-3));
    assertTrue(e.getMessage().contains("minLr"), e.getMessage());
    assertEquals(20, c.withCosineDecay(10, 20, 0).toMap().get("decay_end"));
  }

  @Test
  void badInputsAreRefusedWithTheirShapes(@TempDir Path dir) {
    GaussianDiffusion d = diffusion();
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ImageTrainer(tinyNet(0), d, Tensor.zeros(4, 8, 8), null, config()));
    assertTrue(e.getMessage().contains("[4, 8, 8]"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ImageTrainer(tinyNet(3), d, images(4), null, config()));
    assertTrue(e.getMessage().contains("class-conditional"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ImageTrainer(tinyNet(3), d, images(4), Tensor.of(new long[] {0, 1}), config()));
    assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new ImageTrainer.Config(0, 1e-3, 0, 0, 0.9, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new ImageTrainer.Config(4, 1e-3, 0, 0, 1.0, 0, 0, 0));
    ImageTrainer t = new ImageTrainer(tinyNet(0), d, images(4), null, config());
    assertThrows(java.io.IOException.class, () -> t.resume(dir.resolve("missing")));
  }
}
