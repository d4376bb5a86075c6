package dev.residual.diffusion.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.data.MnistImages;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MnistJudgeTest {
  private static MnistClassifier tiny() {
    return new MnistClassifier(new MnistClassifier.Config(4, 6, 2, false, 0), new Generator(0));
  }

  private static Tensor images(long seed, int n) {
    return Tensor.rand(new Generator(seed), n, 1, 12, 12).mul(2).sub(1);
  }

  @Test
  void histogramCountsEverySample() {
    MnistJudge judge = new MnistJudge(tiny(), images(1, 40));
    Tensor samples = images(2, 30);
    int[] hist = judge.classHistogram(samples);
    assertEquals(10, hist.length);
    assertEquals(30, Arrays.stream(hist).sum());
    long[] pred = judge.predict(samples);
    int[] again = new int[10];
    for (long p : pred) {
      again[(int) p]++;
    }
    assertArrayEquals(hist, again);
  }

  @Test
  void requestedClassAccuracyComparesPredictionsWithRequests() {
    MnistJudge judge = new MnistJudge(tiny(), images(1, 40));
    Tensor samples = images(3, 20);
    long[] pred = judge.predict(samples);
    assertEquals(1.0, judge.requestedClassAccuracy(samples, Tensor.of(pred, pred.length)));
    long[] wrong = new long[pred.length];
    for (int i = 0; i < pred.length; i++) {
      wrong[i] = i < 5 ? pred[i] : (pred[i] + 1) % 10;
    }
    assertEquals(0.25, judge.requestedClassAccuracy(samples, Tensor.of(wrong, wrong.length)));
    assertThrows(
        IllegalArgumentException.class,
        () -> judge.requestedClassAccuracy(samples, Tensor.zeros(DType.INT64, 3)));
  }

  @Test
  void fidOfTheReferenceItselfIsZeroAndOfOtherImagesPositive() {
    Tensor test = images(1, 60);
    MnistJudge judge = new MnistJudge(tiny(), test, images(4, 60));
    assertEquals(0.0, judge.fid(test), 1e-9);
    assertTrue(judge.fid(Tensor.full(-1.0, 60, 1, 12, 12).add(images(5, 60).mul(0.1))) > 0);
    double floor = judge.floor();
    assertTrue(floor > 0);
    assertEquals(floor, judge.fid(images(4, 60)), 1e-12);
  }

  @Test
  void largerSamplesAreCentreCroppedToTheReferenceSize() {
    Tensor test = images(1, 30).to(DType.FLOAT32);
    MnistJudge judge = new MnistJudge(tiny(), test);
    Tensor padded = MnistImages.pad(test, 16);
    assertArrayEquals(judge.predict(test), judge.predict(padded));
    assertEquals(0.0, judge.fid(padded), 1e-9);
    Tensor big = new MnistJudge(tiny(), padded).features(test);
    assertArrayEquals(new long[] {30, 6}, big.shape());
  }

  @Test
  void misuseIsRejected() {
    MnistClassifier noisy =
        new MnistClassifier(new MnistClassifier.Config(4, 6, 2, true, 8), new Generator(0));
    IllegalArgumentException tc =
        assertThrows(IllegalArgumentException.class, () -> new MnistJudge(noisy, images(1, 10)));
    assertTrue(tc.getMessage().contains("time-conditioned"), tc.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MnistJudge(tiny(), images(1, 1)));
    MnistJudge judge = new MnistJudge(tiny(), images(1, 10));
    assertThrows(IllegalStateException.class, judge::floor);
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> judge.fid(Tensor.zeros(4, 3, 12, 12)));
    assertTrue(shape.getMessage().contains("[4, 3, 12, 12]"), shape.getMessage());
    assertThrows(IllegalArgumentException.class, () -> judge.fid(images(2, 1)));
  }
}
