package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.eval.MnistClassifier;
import dev.residual.diffusion.eval.MnistJudge;
import dev.residual.diffusion.models.UNet;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.Threads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MNIST pipeline on 20 synthetic 28x28 "digits" written as IDX files, with a tiny U-Net. */
class MnistExperimentTest {
  @TempDir Path dir;

  private static byte[] idx(int magic, int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  /** Class k is a bright horizontal bar at row 2k + 4 (with a little per-image noise). */
  private Path writeData() throws IOException {
    Path data = dir.resolve("mnist");
    Files.createDirectories(data);
    Generator g = new Generator(1);
    for (String split : new String[] {"train", "t10k"}) {
      int n = 20;
      byte[] px = new byte[n * 784];
      byte[] labels = new byte[n];
      for (int i = 0; i < n; i++) {
        int k = i % 10;
        labels[i] = (byte) k;
        for (int c = 4; c < 24; c++) {
          px[i * 784 + (2 * k + 4) * 28 + c] = (byte) (200 + (int) (50 * g.nextDouble()));
        }
      }
      Files.write(data.resolve(split + "-images-idx3-ubyte"), idx(2051, new int[] {n, 28, 28}, px));
      Files.write(data.resolve(split + "-labels-idx1-ubyte"), idx(2049, new int[] {n}, labels));
    }
    return data;
  }

  private static MnistExperiment.Config tiny(Path data, int steps) {
    return new MnistExperiment.Config(
        data,
        new UNet.Config(1, 4, new int[] {1, 2}, 1, new int[0], false, 2, 0.0, 10),
        new ImageTrainer.Config(4, 1e-3, 0.0, 1, 0.9, 0.2, 1.0, 3),
        50,
        steps,
        2,
        1);
  }

  @Test
  void trainResumesAndExportsAnEmaModelThatSamplesEveryWay() throws IOException {
    Path data = writeData();
    Path out = dir.resolve("run");
    ImageTrainer first = MnistExperiment.train(tiny(data, 3), out, null, null);
    assertEquals(3, first.step());
    ImageTrainer resumed = MnistExperiment.train(tiny(data, 4), out, null, null);
    assertEquals(4, resumed.step());
    DenoiserCheckpoint.Loaded saved = DenoiserCheckpoint.load(MnistExperiment.modelDir(out));
    assertEquals(4, saved.meta().step());
    assertEquals(10, saved.meta().numClasses());

    MnistExperiment.Loaded model = new MnistExperiment.Loaded(saved);
    Tensor labels = MnistExperiment.cycledLabels(5);
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, labels.toLongArray());
    Tensor ddim = model.sample(labels, MnistExperiment.Sampler.DDIM, 3, 2.0, null, 0, 5, 2);
    assertArrayEquals(new long[] {5, 1, 28, 28}, ddim.shape());
    Tensor ddpm = model.sample(null, MnistExperiment.Sampler.DDPM, 0, 0, null, 0, 3);
    assertArrayEquals(new long[] {3, 1, 28, 28}, ddpm.shape());
    assertTrue(ddim.abs().max().item() <= 1.0 + 1e-6, "x0 is clipped to [-1, 1]");

    MnistClassifier noisy =
        new MnistClassifier(new MnistClassifier.Config(8, 16, 2, true, 8), new Generator(2));
    ClassifierGuidance cg = new ClassifierGuidance(noisy, 1.0);
    Tensor guided =
        model.unconditionalView().sample(labels, MnistExperiment.Sampler.DDIM, 3, 0, cg, 0, 5);
    assertArrayEquals(new long[] {5, 1, 28, 28}, guided.shape());
    // Same seed, same labels: the classifier's gradient changed the samples.
    Tensor unguided =
        model.unconditionalView().sample(labels, MnistExperiment.Sampler.DDIM, 3, 0, null, 0, 5);
    assertTrue(guided.sub(unguided).abs().max().item() > 0);

    Trajectory tr = model.trajectory(MnistExperiment.cycledLabels(2), 4, 1.0, 2, 0);
    assertEquals(2, tr.timesteps().size());

    // Batches run in parallel with their own generators: the thread count changes nothing, and
    // classifier guidance (autograd on worker threads) works there too. (Up to float rounding:
    // the Vector API's lane reductions may round differently once the JIT has compiled them.)
    int before = Threads.get();
    try {
      Threads.set(1);
      float[] one =
          model.sample(labels, MnistExperiment.Sampler.DDPM, 0, 1.5, null, 9, 5, 2).toFloatArray();
      float[] cgOne =
          model
              .unconditionalView()
              .sample(labels, MnistExperiment.Sampler.DDIM, 3, 0, cg, 0, 5, 2)
              .toFloatArray();
      Threads.set(3);
      assertArrayEquals(
          one,
          model.sample(labels, MnistExperiment.Sampler.DDPM, 0, 1.5, null, 9, 5, 2).toFloatArray(),
          1e-5f);
      assertArrayEquals(
          cgOne,
          model
              .unconditionalView()
              .sample(labels, MnistExperiment.Sampler.DDIM, 3, 0, cg, 0, 5, 2)
              .toFloatArray(),
          1e-5f);
    } finally {
      Threads.set(before);
    }

    // Stochastic DDIM: η = 0 is the deterministic sampler; η = 1 draws noise.
    Tensor eta0 = model.sampleDdim(labels, 3, 0.0, 0, 5);
    assertArrayEquals(
        model.sample(labels, MnistExperiment.Sampler.DDIM, 3, 0, null, 0, 5).toFloatArray(),
        eta0.toFloatArray(),
        0f);
    assertTrue(model.sampleDdim(labels, 3, 1.0, 0, 5).sub(eta0).abs().max().item() > 0);
    assertThrows(IllegalArgumentException.class, () -> model.sampleDdim(labels, 3, -1, 0, 5));
    assertThrows(IllegalArgumentException.class, () -> model.sampleDdim(labels, 3, 0, 0, 4));
  }

  @Test
  void evaluateReportsEveryMeasurement() throws IOException {
    Path data = writeData();
    Path out = dir.resolve("run");
    ImageTrainer t = MnistExperiment.train(tiny(data, 2), out, null, null);
    MnistClassifier judgeNet =
        new MnistClassifier(new MnistClassifier.Config(8, 16, 2, false, 0), new Generator(4));
    var split = dev.residual.diffusion.data.MnistImages.load(data, false, false);
    var train = dev.residual.diffusion.data.MnistImages.load(data, true, false);
    MnistJudge judge = new MnistJudge(judgeNet, split.images(), train.images());
    MnistClassifier noisy =
        new MnistClassifier(new MnistClassifier.Config(8, 16, 2, true, 8), new Generator(2));
    MnistExperiment.Report r =
        MnistExperiment.evaluate(
            new MnistExperiment.Loaded(t),
            judge,
            noisy,
            10,
            2,
            new double[] {0, 2},
            new double[] {0, 1},
            true,
            6,
            null);
    assertEquals(6, r.fidN());
    assertEquals(2, r.cfgAccuracy().size());
    assertEquals(2, r.classifierAccuracy().size());
    for (double a : r.cfgAccuracy().values()) {
      assertTrue(a >= 0 && a <= 1);
    }
    assertEquals(10, java.util.Arrays.stream(r.unconditionalHistogram()).sum());
    assertTrue(Double.isFinite(r.fidDdim()) && r.fidDdim() >= 0);
    assertTrue(Double.isFinite(r.fidDdpm()) && r.fidDdpm() >= 0);
    assertTrue(Double.isFinite(r.fidFloor()) && r.fidFloor() >= 0);
    assertTrue(Double.isFinite(r.fidDdimEta1()) && r.fidDdimEta1() >= 0);

    // More FID samples than --n: drawn anew, without DDPM.
    MnistExperiment.Report more =
        MnistExperiment.evaluate(
            new MnistExperiment.Loaded(t),
            judge,
            null,
            10,
            2,
            new double[] {0},
            new double[] {0},
            false,
            12,
            null);
    assertEquals(12, more.fidN());
    assertTrue(Double.isFinite(more.fidDdim()) && Double.isNaN(more.fidDdpm()));
  }

  @Test
  void guidanceWithoutLabelsAndWrongModelsAreRefused() throws IOException {
    Path data = writeData();
    ImageTrainer t = MnistExperiment.train(tiny(data, 1), dir.resolve("run"), null, null);
    MnistExperiment.Loaded model = new MnistExperiment.Loaded(t);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.sample(null, MnistExperiment.Sampler.DDIM, 2, 3.0, null, 0, 2));
    assertTrue(e.getMessage().contains("needs requested labels"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            model.sample(
                MnistExperiment.cycledLabels(3), MnistExperiment.Sampler.DDIM, 2, 0, null, 0, 2));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new MnistExperiment.Config(
                data,
                new UNet.Config(3, 4, new int[] {1}, 1, new int[0], false, 2, 0.0, 10),
                new ImageTrainer.Config(4, 1e-3, 0, 0, 0.9, 0.1, 0, 0),
                20,
                1,
                1,
                1));
    assertThrows(
        IOException.class,
        () ->
            MnistExperiment.train(tiny(dir.resolve("missing"), 1), dir.resolve("r2"), null, null));
  }
}
