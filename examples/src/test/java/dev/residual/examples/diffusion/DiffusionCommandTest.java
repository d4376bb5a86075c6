package dev.residual.examples.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.examples.cli.ResidualCli;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals(2, ResidualCli.execute("diffusion", "train", "--data", "mnist", "--no-track"));
    assertEquals(2, ResidualCli.execute("diffusion", "train", "--steps", "0", "--no-track"));
  }
}
