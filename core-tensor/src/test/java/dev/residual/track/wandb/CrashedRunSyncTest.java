package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.residual.track.CrashSafetyTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed mid-training (a child JVM) can be uploaded afterwards with {@link WandbSync}. */
class CrashedRunSyncTest {
  @Test
  void aRunKilledMidTrainingSyncsItsHistoryAndIsMarkedFinished(@TempDir Path root)
      throws Exception {
    Path dir = CrashSafetyTest.killedRun(root);
    try (FakeWandb fake = new FakeWandb()) {
      WandbSettings settings =
          new WandbSettings("KEY", fake.baseUrl(), "team", "proj", WandbSettings.Mode.ONLINE);
      WandbSync.sync(dir, settings);
      long lines = 0;
      boolean complete = false;
      for (FakeWandb.Seen s : fake.fileStreams()) {
        JsonNode files = s.json().path("files").path("wandb-history.jsonl");
        lines += files.path("content").size();
        complete |= s.json().path("complete").asBoolean();
      }
      assertTrue(lines >= 100, "history lines uploaded: " + lines);
      assertTrue(complete, "the synced run is marked complete");
    }
  }
}
