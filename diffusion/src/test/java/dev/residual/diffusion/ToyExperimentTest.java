package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyExperimentTest {
  @Test
  void aShortRunSamplesBothWaysAndMeasuresItsSamples() {
    ToyExperiment.Result r =
        ToyExperiment.run(
            new ToyExperiment.Config(
                ToyExperiment.Data.EIGHT_GAUSSIANS, 300, 128, 2e-3, 100, 10, 200, 1),
            null,
            null);
    assertArrayEquals(new long[] {200, 2}, r.ddpm().shape());
    assertArrayEquals(new long[] {200, 2}, r.ddim().shape());
    assertTrue(Double.isFinite(r.mmdDdpm()) && r.mmdDdpm() >= 0);
    assertTrue(r.mmdTrue() < r.mmdDdpm(), "300 steps do not yet reach the true-vs-true floor");
    assertTrue(r.modes() != null && r.finalLoss() < 0.6, r.summary());
    assertTrue(r.plot().getWidth() == 700);
    assertThrows(
        IllegalArgumentException.class,
        () -> new ToyExperiment.Config(ToyExperiment.Data.MOONS, 0, 1, 1e-3, 100, 10, 100, 0));
  }

  @Test
  void theSavedCheckpointHoldsTheEmaModelTheSamplesCameFrom(@TempDir Path tmp) {
    ToyExperiment.Config c =
        new ToyExperiment.Config(ToyExperiment.Data.MOONS, 5, 32, 2e-3, 100, 5, 10, 4);
    ToyExperiment.Result r = ToyExperiment.run(c, null, null, tmp.resolve("ckpt"));
    DenoiserCheckpoint.Loaded loaded = DenoiserCheckpoint.load(tmp.resolve("ckpt"));
    assertEquals("toy:moons", loaded.meta().data());
    assertEquals(5, loaded.meta().step());
    // DDIM with η = 0 from the run's seed reproduces the run's DDIM samples exactly
    Tensor again =
        new DdimSampler(loaded.diffusion(), 5, 0.0, false)
            .sample(loaded.denoiser(), new long[] {10, 2}, null, new Generator(c.seed() + 2));
    assertArrayEquals(r.ddim().toFloatArray(), again.toFloatArray(), 0.0f);
  }

  @Test
  void dataKindsRoundTripAndUnknownOnesAreRejected() {
    for (ToyExperiment.Data d : ToyExperiment.Data.values()) {
      assertEquals(d, ToyExperiment.dataOf(ToyExperiment.dataKind(d)));
    }
    assertEquals("toy:eightgaussians", ToyExperiment.dataKind(ToyExperiment.Data.EIGHT_GAUSSIANS));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ToyExperiment.dataOf("toy:circles"));
    assertTrue(e.getMessage().contains("toy:circles"), e.getMessage());
  }
}
