package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.residual.track.wandb.WandbSettings.Mode;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WandbSyncTest {
  @TempDir Path tmp;
  FakeWandb fake;
  WandbClient client;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeWandb();
    client =
        new WandbClient(
            new WandbSettings("KEY", fake.baseUrl(), null, "fallback", Mode.OFFLINE),
            WandbClientTest.FAST);
  }

  @AfterEach
  void tearDown() {
    client.close();
    fake.close();
  }

  static void write(Path p, String text) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  @Test
  void syncReplaysAKilledRunDirectory() throws Exception {
    Path run = tmp.resolve("proj").resolve("k1ll3d00");
    write(
        run.resolve("run.json"),
        "{\"id\":\"k1ll3d00\",\"name\":\"killed\",\"project\":\"proj\",\"entity\":\"team\","
            + "\"tags\":[\"x\"],\"state\":\"running\",\"exitCode\":null}");
    write(run.resolve("config.json"), "{\"lr\": 0.01, \"layers\": 2}");
    write(
        run.resolve("metrics.jsonl"),
        "{\"_step\":0,\"_timestamp\":1700000000.5,\"loss\":2.0}\n"
            + "{\"_step\":1,\"_timestamp\":1700000001.5,\"loss\":1.5}\n"
            + "{\"_step\":2,\"_timestamp\":1700000002.5,\"loss\":1.0}\n"
            + "{\"_step\":3,\"_timest");
    write(run.resolve("summary.json"), "{\"best\": 1.0}");
    Path png = run.resolve("media").resolve("sample_2.png");
    Files.createDirectories(png.getParent());
    ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png.toFile());

    WandbSync.Result r = WandbSync.sync(run, client);
    assertEquals(new WandbSync.Result("team", "proj", "k1ll3d00", 3, 1, 1), r);

    JsonNode vars = fake.seen.get(0).json().path("variables");
    assertTrue(fake.seen.get(0).isGraphql("upsertBucket"));
    assertEquals("k1ll3d00", vars.path("name").asText());
    assertEquals("killed", vars.path("displayName").asText());
    assertEquals("team", vars.path("entity").asText());
    assertEquals("x", vars.path("tags").path(0).asText());
    JsonNode cfg = FakeWandb.JSON.readTree(vars.path("config").asText());
    assertEquals(0.01, cfg.path("lr").path("value").asDouble());
    assertEquals(2, cfg.path("layers").path("value").asInt());

    List<FakeWandb.Seen> posts = fake.fileStreams();
    assertEquals("/files/team/proj/k1ll3d00/file_stream", posts.get(0).path());
    JsonNode history = posts.get(0).json().path("files").path(WandbSink.HISTORY);
    assertEquals(0, history.path("offset").asInt());
    assertEquals(3, history.path("content").size());
    assertEquals(
        1.0,
        FakeWandb.JSON.readTree(history.path("content").path(2).asText()).path("loss").asDouble());
    JsonNode summary =
        FakeWandb.JSON.readTree(
            posts
                .get(1)
                .json()
                .path("files")
                .path(WandbSink.SUMMARY)
                .path("content")
                .path(0)
                .asText());
    assertEquals(1.0, summary.path("best").asDouble());
    assertEquals(1.0, summary.path("loss").asDouble());

    FakeWandb.Seen put = fake.matching(x -> x.method().equals("PUT")).get(0);
    assertEquals("/upload/media/images/sample_2.png", put.path());
    assertArrayEquals(Files.readAllBytes(png), put.raw());

    JsonNode end = posts.get(posts.size() - 1).json();
    assertTrue(end.path("complete").asBoolean());
    assertEquals(1, end.path("exitcode").asInt(), "a run that never finished counts as failed");
  }

  @Test
  void withoutRunJsonTheDirectoryNameIsTheIdAndTheViewerTheEntity() throws Exception {
    Path run = tmp.resolve("ab12cd34");
    write(run.resolve("metrics.jsonl"), "{\"_step\":0,\"_timestamp\":1700000000000,\"acc\":0.5}\n");
    WandbSync.Result r = WandbSync.sync(run, client);
    assertEquals("alice", r.entity());
    assertEquals("fallback", r.project());
    assertEquals("ab12cd34", r.runId());
    JsonNode line =
        FakeWandb.JSON.readTree(
            fake.fileStreams()
                .get(0)
                .json()
                .path("files")
                .path(WandbSink.HISTORY)
                .path("content")
                .path(0)
                .asText());
    assertEquals(1_700_000_000.0, line.path("_timestamp").asDouble(), 1e-6, "millis -> seconds");
  }

  @Test
  void aFinishedRunKeepsItsExitCode() throws Exception {
    Path run = tmp.resolve("fin");
    write(
        run.resolve("run.json"),
        "{\"id\":\"fin00001\",\"project\":\"p\",\"entity\":\"e\"," + "\"exitCode\":0}");
    WandbSync.sync(run, client);
    List<FakeWandb.Seen> posts = fake.fileStreams();
    assertEquals(0, posts.get(posts.size() - 1).json().path("exitcode").asInt());
  }

  @Test
  void aRefusingServerMakesSyncThrow() {
    fake.failGraphql(FakeWandb.status(403));
    WandbException e = assertThrows(WandbException.class, () -> WandbSync.sync(tmp, client));
    assertEquals(403, e.status());
  }

  @Test
  void aMissingDirectoryIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WandbSync.sync(tmp.resolve("nope"), client));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
