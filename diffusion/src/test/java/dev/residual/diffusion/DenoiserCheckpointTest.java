package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.models.MlpDenoiser;
import dev.residual.diffusion.models.UNet;
import dev.residual.nn.Linear;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenoiserCheckpointTest {
  private static final UNet.Config SMALL_UNET =
      new UNet.Config(1, 8, new int[] {1, 2}, 1, new int[] {1}, true, 4, 0.1, 10);

  private static DenoiserCheckpoint.Meta mnistMeta(int classes) {
    return new DenoiserCheckpoint.Meta(
        "mnist",
        new int[] {1, 8, 8},
        classes,
        DenoiserCheckpoint.Schedule.COSINE,
        50,
        Denoiser.Prediction.V,
        1234);
  }

  private static DenoiserCheckpoint.Meta toyMeta() {
    return new DenoiserCheckpoint.Meta(
        "toy:moons",
        new int[] {2},
        0,
        DenoiserCheckpoint.Schedule.LINEAR,
        100,
        Denoiser.Prediction.EPSILON,
        20);
  }

  @Test
  void unetRoundTripRebuildsConfigMetaAndIdenticalPredictions(@TempDir Path tmp) {
    UNet net = new UNet(SMALL_UNET, new Generator(3));
    net.eval();
    DenoiserCheckpoint.save(tmp.resolve("ckpt"), net, mnistMeta(10));

    DenoiserCheckpoint.Loaded loaded = DenoiserCheckpoint.load(tmp.resolve("ckpt"));
    assertEquals("unet", loaded.kind());
    UNet back = assertInstanceOf(UNet.class, loaded.model());
    assertEquals(SMALL_UNET, back.config());
    assertFalse(back.isTraining(), "loaded model must be in eval mode");
    assertEquals(mnistMeta(10), loaded.meta());
    assertEquals(Denoiser.Prediction.V, loaded.diffusion().prediction());
    assertEquals(50, loaded.diffusion().schedule().steps());
    assertArrayEquals(NoiseSchedule.cosine(50).betas(), loaded.diffusion().schedule().betas(), 0.0);

    Tensor x = Tensor.randn(new Generator(4), 2, 1, 8, 8);
    Tensor t = Tensor.of(new long[] {0, 37});
    Tensor y = Tensor.of(new long[] {7, 10});
    assertArrayEquals(
        net.predict(x, t, y).toFloatArray(),
        loaded.denoiser().predict(x, t, y).toFloatArray(),
        0.0f);
  }

  @Test
  void mlpRoundTripInFloat64KeepsTheDtypeAndPredictionsExactly(@TempDir Path tmp) {
    MlpDenoiser mlp = new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(16), new Generator(5));
    mlp.to(DType.FLOAT64);
    DenoiserCheckpoint.save(tmp.resolve("toy"), mlp, toyMeta());

    DenoiserCheckpoint.Loaded loaded = DenoiserCheckpoint.load(tmp.resolve("toy"));
    assertEquals("mlp", loaded.kind());
    MlpDenoiser back = assertInstanceOf(MlpDenoiser.class, loaded.model());
    assertEquals(mlp.config(), back.config());
    assertEquals(toyMeta(), loaded.meta());
    assertFalse(loaded.meta().isImage());
    assertArrayEquals(new long[] {5, 2}, loaded.meta().batchShape(5));

    Tensor x = Tensor.randn(new Generator(6), 3, 2).to(DType.FLOAT64);
    Tensor t = Tensor.of(new long[] {0, 50, 99});
    Tensor a = mlp.predict(x, t, null);
    Tensor b = loaded.denoiser().predict(x, t, null);
    assertEquals(DType.FLOAT64, b.dtype());
    assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), 0.0);
  }

  @Test
  void savingAgainReplacesTheCheckpoint(@TempDir Path tmp) {
    Path dir = tmp.resolve("ckpt");
    MlpDenoiser first = new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(8), new Generator(1));
    MlpDenoiser second = new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(8), new Generator(2));
    DenoiserCheckpoint.save(dir, first, toyMeta());
    DenoiserCheckpoint.save(dir, second, toyMeta());
    Tensor x = Tensor.randn(new Generator(3), 4, 2);
    Tensor t = Tensor.of(new long[] {1, 2, 3, 4});
    assertArrayEquals(
        second.predict(x, t, null).toFloatArray(),
        DenoiserCheckpoint.load(dir).denoiser().predict(x, t, null).toFloatArray(),
        0.0f);
  }

  @Test
  void loadingAMissingDirectoryFailsNamingIt(@TempDir Path tmp) {
    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> DenoiserCheckpoint.load(tmp.resolve("nothing")));
    assertTrue(e.getMessage().contains("nothing"), e.getMessage());
  }

  @Test
  void savingAnUnknownModelKindFails(@TempDir Path tmp) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DenoiserCheckpoint.save(tmp, new Linear(2, 2, new Generator(0)), toyMeta()));
    assertTrue(e.getMessage().contains("unknown model kind"), e.getMessage());
  }

  @Test
  void loadingAnUnknownModelKindFails(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ckpt");
    DenoiserCheckpoint.save(
        dir, new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(0)), toyMeta());
    Path json = dir.resolve("state.json");
    Files.writeString(json, Files.readString(json).replace("\"mlp\"", "\"transformer\""));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DenoiserCheckpoint.load(dir));
    assertTrue(e.getMessage().contains("unknown model kind 'transformer'"), e.getMessage());
  }

  @Test
  void loadingWeightsThatDoNotFitTheConfigFailsListingTheMismatch(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("ckpt");
    DenoiserCheckpoint.save(
        dir, new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(16), new Generator(0)), toyMeta());
    Path json = dir.resolve("state.json");
    Files.writeString(json, Files.readString(json).replace("\"hidden\" : 16", "\"hidden\" : 32"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DenoiserCheckpoint.load(dir));
    assertTrue(e.getMessage().contains("weights do not fit"), e.getMessage());
    assertTrue(e.getMessage().contains("size mismatch"), e.getMessage());
  }

  @Test
  void loadingAnotherKindOfCheckpointFails(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ckpt");
    DenoiserCheckpoint.save(
        dir, new MlpDenoiser(MlpDenoiser.Config.of(2), new Generator(0)), toyMeta());
    Path json = dir.resolve("state.json");
    Files.writeString(json, Files.readString(json).replace("residual-denoiser", "something-else"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DenoiserCheckpoint.load(dir));
    assertTrue(e.getMessage().contains("not a denoiser checkpoint"), e.getMessage());
  }

  @Test
  void saveRejectsMetaThatDisagreesWithTheModel(@TempDir Path tmp) {
    UNet net = new UNet(SMALL_UNET, new Generator(0));
    IllegalArgumentException classes =
        assertThrows(
            IllegalArgumentException.class, () -> DenoiserCheckpoint.save(tmp, net, mnistMeta(0)));
    assertTrue(classes.getMessage().contains("0 classes but the model has 10"));
    DenoiserCheckpoint.Meta odd =
        new DenoiserCheckpoint.Meta(
            "mnist",
            new int[] {1, 7, 8},
            10,
            DenoiserCheckpoint.Schedule.LINEAR,
            100,
            Denoiser.Prediction.EPSILON,
            0);
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> DenoiserCheckpoint.save(tmp, net, odd));
    assertTrue(shape.getMessage().contains("[1, 7, 8]"), shape.getMessage());
    MlpDenoiser mlp = new MlpDenoiser(MlpDenoiser.Config.of(3), new Generator(0));
    assertThrows(
        IllegalArgumentException.class, () -> DenoiserCheckpoint.save(tmp, mlp, toyMeta()));
  }

  @Test
  void metaRejectsBadFields() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DenoiserCheckpoint.Meta(
                "cifar",
                new int[] {2},
                0,
                DenoiserCheckpoint.Schedule.LINEAR,
                100,
                Denoiser.Prediction.EPSILON,
                0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DenoiserCheckpoint.Meta(
                "toy:moons",
                new int[] {2, 2},
                0,
                DenoiserCheckpoint.Schedule.LINEAR,
                100,
                Denoiser.Prediction.EPSILON,
                0));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DenoiserCheckpoint.Meta(
                "toy:moons", new int[] {2}, -1, null, 100, Denoiser.Prediction.EPSILON, 0));
  }
}
