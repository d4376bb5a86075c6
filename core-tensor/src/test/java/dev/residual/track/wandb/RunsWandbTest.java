package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Runs#start} adds the W&B sink when the environment asks for it. */
class RunsWandbTest {
  @Test
  void aRunStartedWithAnApiKeyStreamsToWandb(@TempDir Path root) throws Exception {
    try (FakeWandb fake = new FakeWandb()) {
      Map<String, String> env =
          Map.of(
              "WANDB_API_KEY", "KEY",
              "WANDB_BASE_URL", fake.baseUrl(),
              "WANDB_ENTITY", "team");
      RunOptions options =
          RunOptions.builder().project("proj").rootDir(root).console(false).env(env).build();
      try (Run run = Runs.start(options)) {
        run.log(0, Map.of("loss", 1.0));
        run.log(1, Map.of("loss", 0.5));
      }
      FakeWandb.await(
          Duration.ofSeconds(20),
          () -> fake.fileStreams().stream().anyMatch(s -> s.json().path("complete").asBoolean()));
      assertFalse(fake.matching(s -> s.isGraphql("upsertBucket")).isEmpty());
      assertTrue(fake.fileStreams().stream().anyMatch(s -> s.json().path("complete").asBoolean()));
    }
  }
}
