package dev.residual.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
}
