package dev.residual.examples.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.Denoiser;
import dev.residual.diffusion.DenoiserCheckpoint;
import dev.residual.diffusion.eval.SamplePlots;
import dev.residual.diffusion.models.MlpDenoiser;
import dev.residual.diffusion.models.UNet;
import dev.residual.examples.cli.ResidualCli;
import dev.residual.tensor.Generator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffusionCommandTest {
  @Test
  void trainDrawsItsScatterPlotAndBadDataIsAUsageError(@TempDir Path out) throws Exception {
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "train",
            "--data",
            "toy:moons",
            "--steps",
            "20",
            "--timesteps",
            "100",
            "--ddim-steps",
            "10",
            "--no-track",
            "--out",
            out.toString()));
    assertTrue(Files.size(out.resolve("samples.png")) > 1000);
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "train", "--data", "mnist", "--model", "mlp", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion",
            "train",
            "--data",
            "mnist",
            "--mnist-dir",
            out.resolve("no-such-dir").toString(),
            "--no-track"));
    assertEquals(
        2, ResidualCli.execute("diffusion", "train", "--data", "toy:moons", "--model", "unet"));
    assertEquals(2, ResidualCli.execute("diffusion", "train", "--steps", "0", "--no-track"));
  }

  @Test
  void trainSavesACheckpointThatSampleRunsWithBothSamplers(@TempDir Path tmp) throws Exception {
    Path ckpt = tmp.resolve("ckpt");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "train",
            "--data",
            "toy:moons",
            "--steps",
            "10",
            "--timesteps",
            "100",
            "--ddim-steps",
            "10",
            "--no-track",
            "--out",
            tmp.resolve("train").toString(),
            "--checkpoint",
            ckpt.toString()));
    DenoiserCheckpoint.Loaded loaded = DenoiserCheckpoint.load(ckpt);
    assertEquals("toy:moons", loaded.meta().data());
    assertEquals(10, loaded.meta().step());
    assertEquals(100, loaded.diffusion().schedule().steps());

    Path ddpm = tmp.resolve("ddpm");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            ckpt.toString(),
            "--sampler",
            "ddpm",
            "--n",
            "32",
            "--every",
            "25",
            "--no-track",
            "--out",
            ddpm.toString()));
    assertTrue(Files.size(ddpm.resolve("samples.png")) > 1000);
    // 100 DDPM steps captured every 25: four x_t panels and the sample
    BufferedImage strip = ImageIO.read(ddpm.resolve("trajectory.png").toFile());
    assertEquals(5 * SamplePlots.PANEL_SIZE, strip.getWidth());

    Path ddim = tmp.resolve("runs");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            ckpt.toString(),
            "--sampler",
            "ddim",
            "--steps",
            "10",
            "--eta",
            "0.5",
            "--spacing",
            "trailing",
            "--n",
            "16",
            "--runs-dir",
            ddim.toString()));
    try (Stream<Path> files = Files.walk(ddim)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertTrue(names.contains("trajectory.png"), names.toString());
      assertTrue(names.contains("samples.png"), names.toString());
      assertTrue(names.contains("index.html"), names.toString());
    }
  }

  @Test
  void sampleUsageErrorsExitWithTwo(@TempDir Path tmp) {
    Path ckpt = tmp.resolve("ckpt");
    DenoiserCheckpoint.save(
        ckpt,
        new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(8), new Generator(0)),
        new DenoiserCheckpoint.Meta(
            "toy:moons",
            new int[] {2},
            0,
            DenoiserCheckpoint.Schedule.LINEAR,
            100,
            Denoiser.Prediction.EPSILON,
            0));
    String c = ckpt.toString();
    String o = tmp.resolve("out").toString();
    // no checkpoint there
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", tmp.resolve("none").toString(), "--no-track"));
    // classifier-free guidance and --class need a conditional model
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--guidance", "cfg:3", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--class", "7", "--no-track"));
    // classifier guidance needs --classifier
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--guidance", "classifier:2", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--guidance", "cfg:x", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--sampler", "euler", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--spacing", "quadratic", "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", c, "--steps", "101", "--no-track", "--out", o));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            c,
            "--sampler",
            "ddpm",
            "--eta",
            "1",
            "--no-track"));
    assertEquals(2, ResidualCli.execute("diffusion", "sample", "--no-track"));
  }

  @Test
  void sampleWithClassifierFreeGuidanceDrawsAnImageGridAndStrip(@TempDir Path tmp)
      throws Exception {
    Path ckpt = tmp.resolve("unet");
    DenoiserCheckpoint.save(
        ckpt,
        new UNet(
            new UNet.Config(1, 8, new int[] {1, 2}, 1, new int[0], false, 4, 0.0, 10),
            new Generator(0)),
        new DenoiserCheckpoint.Meta(
            "mnist",
            new int[] {1, 8, 8},
            10,
            DenoiserCheckpoint.Schedule.COSINE,
            20,
            Denoiser.Prediction.EPSILON,
            0));
    Path out = tmp.resolve("out");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            ckpt.toString(),
            "--sampler",
            "ddim",
            "--steps",
            "4",
            "--guidance",
            "cfg:3",
            "--class",
            "7",
            "--n",
            "3",
            "--every",
            "2",
            "--no-track",
            "--out",
            out.toString()));
    // 8x8 images scale to 64-pixel cells: 3 samples in one row, captioned
    BufferedImage grid = ImageIO.read(out.resolve("samples.png").toFile());
    assertEquals(2 + 3 * 66, grid.getWidth());
    assertEquals(2 + 64 + 16 + 2, grid.getHeight());
    // 4 DDIM steps captured every 2: two columns; 3 samples, each x_t over x0
    BufferedImage strip = ImageIO.read(out.resolve("trajectory.png").toFile());
    assertEquals(2 + 2 * 66, strip.getWidth());
    assertEquals(2 + 6 * (64 + 16 + 2), strip.getHeight());
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion", "sample", "--checkpoint", ckpt.toString(), "--class", "10", "--no-track"));
  }

  private static byte[] idx(int magic, int[] dims, byte[] body) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  /** 20 synthetic 28x28 images per split in IDX: class k is a bar at row 2k + 4. */
  private static Path writeMnist(Path dir) throws Exception {
    Files.createDirectories(dir);
    for (String split : new String[] {"train", "t10k"}) {
      byte[] px = new byte[20 * 784];
      byte[] labels = new byte[20];
      for (int i = 0; i < 20; i++) {
        labels[i] = (byte) (i % 10);
        for (int c = 4; c < 24; c++) {
          px[i * 784 + (2 * (i % 10) + 4) * 28 + c] = (byte) (180 + i);
        }
      }
      Files.write(dir.resolve(split + "-images-idx3-ubyte"), idx(2051, new int[] {20, 28, 28}, px));
      Files.write(dir.resolve(split + "-labels-idx1-ubyte"), idx(2049, new int[] {20}, labels));
    }
    return dir;
  }

  @Test
  void mnistTrainSampleWithBothGuidancesAndEvaluateRunEndToEnd(@TempDir Path tmp) throws Exception {
    Path data = writeMnist(tmp.resolve("mnist"));
    Path ckpt = tmp.resolve("ckpt");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "train",
            "--data",
            "mnist",
            "--mnist-dir",
            data.toString(),
            "--steps",
            "2",
            "--base",
            "8",
            "--batch",
            "4",
            "--checkpoint",
            ckpt.toString(),
            "--no-track",
            "--out",
            tmp.resolve("train-out").toString()));
    Path model = ckpt.resolve("model");
    assertTrue(Files.exists(model.resolve("state.json")));
    Path judge = tmp.resolve("judge.safetensors");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "classifier",
            "--mnist-dir",
            data.toString(),
            "--out",
            judge.toString(),
            "--epochs",
            "1",
            "--batch",
            "8"));
    assertTrue(Files.exists(judge));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion",
            "classifier",
            "--mnist-dir",
            tmp.resolve("none").toString(),
            "--out",
            "x"));
    Path noisy = tmp.resolve("noisy.safetensors");
    new dev.residual.diffusion.eval.MnistClassifier(
            new dev.residual.diffusion.eval.MnistClassifier.Config(8, 16, 2, true, 8),
            new Generator(2))
        .save(noisy);
    Path out = tmp.resolve("out");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            model.toString(),
            "--steps",
            "3",
            "--guidance",
            "classifier:2",
            "--classifier",
            noisy.toString(),
            "--class",
            "3",
            "--n",
            "4",
            "--judge",
            judge.toString(),
            "--mnist-dir",
            data.toString(),
            "--no-track",
            "--out",
            out.toString()));
    assertTrue(Files.size(out.resolve("samples.png")) > 100);
    // the clean judge cannot guide, and a time-conditioned classifier cannot judge
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            model.toString(),
            "--guidance",
            "classifier:2",
            "--classifier",
            judge.toString(),
            "--no-track"));
    assertEquals(
        2,
        ResidualCli.execute(
            "diffusion",
            "sample",
            "--checkpoint",
            model.toString(),
            "--judge",
            noisy.toString(),
            "--mnist-dir",
            data.toString(),
            "--no-track"));
    Path runs = tmp.resolve("runs");
    assertEquals(
        0,
        ResidualCli.execute(
            "diffusion",
            "evaluate",
            "--checkpoint",
            model.toString(),
            "--judge",
            judge.toString(),
            "--classifier",
            noisy.toString(),
            "--mnist-dir",
            data.toString(),
            "--n",
            "10",
            "--ddim-steps",
            "2",
            "--cfg",
            "0,2",
            "--classifier-scales",
            "0,1",
            "--fid-n",
            "5",
            "--runs-dir",
            runs.toString()));
    try (Stream<Path> files = Files.walk(runs)) {
      assertTrue(files.anyMatch(p -> p.getFileName().toString().equals("index.html")));
    }
  }
}
