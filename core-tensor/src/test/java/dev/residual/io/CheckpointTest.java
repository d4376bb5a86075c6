package dev.residual.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  private static Checkpoint.Contents sample(long step, Generator g) {
    return new Checkpoint.Contents(
        step,
        Map.of("w", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2)),
        Map.of("0.exp_avg", Tensor.of(new double[] {0.5, -0.25})),
        Map.of("step", 3, "lr", 0.01),
        Map.of("lastStep", 7),
        Map.of("data", g.getState()),
        Map.of("name", "run", "layers", List.of(4, 4)));
  }

  @Test
  void aSavedCheckpointLoadsBackExactly(@TempDir Path tmp) throws IOException {
    Generator g = new Generator(11);
    g.nextGaussian();
    Path dir = tmp.resolve("ckpt");
    Checkpoint.save(dir, sample(100, g));
    Checkpoint.Contents c = Checkpoint.load(dir);
    assertEquals(100, c.step());
    assertArrayEquals(new float[] {1, 2, 3, 4}, c.model().get("w").toFloatArray());
    assertArrayEquals(new long[] {2, 2}, c.model().get("w").shape());
    assertArrayEquals(
        new double[] {0.5, -0.25}, c.optimizerTensors().get("0.exp_avg").toDoubleArray());
    assertEquals(0.01, ((Number) c.optimizerState().get("lr")).doubleValue());
    assertEquals(7, ((Number) c.schedule().get("lastStep")).intValue());
    assertEquals("run", c.config().get("name"));
    Generator resumed = new Generator(0).setState(c.generators().get("data"));
    assertEquals(g.nextDouble(), resumed.nextDouble());
  }

  @Test
  void savingAgainReplacesTheCheckpointAndLeavesNoTemporaries(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("ckpt");
    Checkpoint.save(dir, sample(1, new Generator(1)));
    Checkpoint.save(dir, sample(2, new Generator(2)));
    assertEquals(2, Checkpoint.load(dir).step());
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(dir), files.toList());
    }
  }

  @Test
  void aCrashBetweenTheRenamesStillLoadsThePreviousCheckpoint(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("ckpt");
    Checkpoint.save(dir, sample(5, new Generator(5)));
    // What a crash after moving the old checkpoint aside, before the new one landed, leaves.
    Files.move(dir, tmp.resolve(".ckpt.old-crashed"));
    assertEquals(5, Checkpoint.load(dir).step());
  }

  @Test
  void missingOrBrokenCheckpointsNameTheFile(@TempDir Path tmp) throws IOException {
    IOException none = assertThrows(IOException.class, () -> Checkpoint.load(tmp.resolve("x")));
    assertTrue(none.getMessage().contains("x"), none.getMessage());
    Path dir = tmp.resolve("ckpt");
    Checkpoint.save(dir, sample(1, new Generator(1)));
    Files.writeString(dir.resolve("state.json"), "{not json");
    IOException bad = assertThrows(IOException.class, () -> Checkpoint.load(dir));
    assertTrue(bad.getMessage().contains("state.json"), bad.getMessage());
    Files.delete(dir.resolve("state.json"));
    assertThrows(IOException.class, () -> Checkpoint.load(dir));
  }

  @Test
  void aConfigThatIsNotJsonIsRefusedAndNothingIsLeftBehind(@TempDir Path tmp) {
    Checkpoint.Contents c =
        new Checkpoint.Contents(
            1, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of("x", new Object()));
    assertThrows(IllegalArgumentException.class, () -> Checkpoint.save(tmp.resolve("c"), c));
    assertTrue(tmp.toFile().list().length == 0);
  }
}
