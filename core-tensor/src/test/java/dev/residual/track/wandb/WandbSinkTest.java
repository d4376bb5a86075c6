package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.residual.track.RunInfo;
import dev.residual.track.wandb.WandbSettings.Mode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WandbSinkTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  FakeWandb fake;
  WandbClient client;
  final List<WandbSink> sinks = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeWandb();
  }

  @AfterEach
  void tearDown() {
    sinks.forEach(WandbSink::close);
    if (client != null) {
      client.close();
    }
    fake.close();
  }

  WandbSink sink(String entity, RetryPolicy retry, Duration heartbeat) {
    WandbSettings settings = new WandbSettings("KEY", fake.baseUrl(), entity, "proj", Mode.ONLINE);
    client = new WandbClient(settings, retry);
    WandbSink s =
        new WandbSink(settings, client, Duration.ofMillis(50), heartbeat, Duration.ofSeconds(10));
    sinks.add(s);
    return s;
  }

  WandbSink sink() {
    return sink("team", WandbClientTest.FAST, Duration.ofSeconds(30));
  }

  RunInfo info() {
    return new RunInfo("abcd1234", "brave-run", "proj", null, List.of("t1"), dir);
  }

  static Map<String, Number> m(double loss) {
    return Map.of("loss", loss);
  }

  /** The history chunks the server acknowledged, in order: [offset, lines...]. */
  static List<JsonNode> historyChunks(List<FakeWandb.Seen> posts) {
    List<JsonNode> out = new ArrayList<>();
    for (FakeWandb.Seen s : posts) {
      JsonNode h = s.json().path("files").path(WandbSink.HISTORY);
      if (!h.isMissingNode()) {
        out.add(h);
      }
    }
    return out;
  }

  /**
   * Checks that the chunks, with exact resends of a failed chunk collapsed, tile the history from
   * offset 0 without gap or overlap, and returns the steps in order.
   */
  static List<Long> stepsWithoutGapsOrDuplicates(List<JsonNode> chunks) throws Exception {
    List<Long> steps = new ArrayList<>();
    JsonNode previous = null;
    for (JsonNode c : chunks) {
      if (previous != null && previous.equals(c)) {
        continue;
      }
      assertEquals(steps.size(), c.path("offset").asLong(), "offset of chunk " + c);
      for (JsonNode line : c.path("content")) {
        steps.add(FakeWandb.JSON.readTree(line.asText()).path("_step").asLong());
      }
      previous = c;
    }
    return steps;
  }

  @Test
  void startCreatesTheRunWithUpsertBucket() throws Exception {
    WandbSink s = sink();
    s.start(info(), Map.of("lr", 0.5));
    FakeWandb.await(WAIT, () -> !fake.seen.isEmpty());
    s.finish(0);
    JsonNode vars = fake.seen.get(0).json().path("variables");
    assertTrue(fake.seen.get(0).isGraphql("upsertBucket"));
    assertEquals("abcd1234", vars.path("name").asText());
    assertEquals("brave-run", vars.path("displayName").asText());
    assertEquals("team", vars.path("entity").asText());
    assertEquals("t1", vars.path("tags").path(0).asText());
    JsonNode cfg = FakeWandb.JSON.readTree(vars.path("config").asText());
    assertEquals(0.5, cfg.path("lr").path("value").asDouble());
  }

  @Test
  void historyOffsetsTileEveryBatchAndFinishCompletesWithTheExitCode() throws Exception {
    WandbSink s = sink();
    s.start(info(), Map.of());
    for (int step = 0; step < 3; step++) {
      s.log(step, m(1.0 / (step + 1)), 1_700_000_000_000L + step);
    }
    FakeWandb.await(WAIT, () -> s.acknowledgedLines() == 3);
    for (int step = 3; step < 7; step++) {
      s.log(step, m(1.0 / (step + 1)), 1_700_000_000_000L + step);
    }
    FakeWandb.await(WAIT, () -> s.acknowledgedLines() == 7);
    for (int step = 7; step < 9; step++) {
      s.log(step, m(1.0 / (step + 1)), 1_700_000_000_000L + step);
    }
    s.finish(3);

    List<FakeWandb.Seen> posts = fake.fileStreams();
    List<JsonNode> chunks = historyChunks(posts);
    assertTrue(chunks.size() >= 3, "batches: " + chunks.size());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), stepsWithoutGapsOrDuplicates(chunks));
    for (int i = 1; i < chunks.size(); i++) {
      assertTrue(chunks.get(i).path("offset").asLong() > chunks.get(i - 1).path("offset").asLong());
    }
    JsonNode line = FakeWandb.JSON.readTree(chunks.get(0).path("content").path(0).asText());
    assertEquals(1_700_000_000.0, line.path("_timestamp").asDouble(), 1e-6);
    assertEquals(1.0, line.path("loss").asDouble());

    JsonNode last = posts.get(posts.size() - 1).json();
    assertTrue(last.path("complete").asBoolean());
    assertEquals(3, last.path("exitcode").asInt());
    assertEquals("/files/team/proj/abcd1234/file_stream", posts.get(0).path());
  }

  @Test
  void aFailedBatchIsResentWithTheSameOffsetAndLinesBeforeNewerOnes() throws Exception {
    // No client-level retries: the sink itself must keep the failed chunk for its next post.
    WandbSink s = sink("team", RetryPolicy.NONE, Duration.ofSeconds(30));
    fake.failFileStream(FakeWandb.status(500));
    s.start(info(), Map.of());
    for (int step = 0; step < 3; step++) {
      s.log(step, m(step), 1_700_000_000_000L);
    }
    FakeWandb.await(WAIT, () -> !fake.fileStreams().isEmpty());
    for (int step = 3; step < 6; step++) {
      s.log(step, m(step), 1_700_000_000_000L);
    }
    s.finish(0);

    List<JsonNode> chunks = historyChunks(fake.fileStreams());
    assertEquals(chunks.get(0), chunks.get(1), "the failed chunk is resent unchanged");
    assertEquals(0, chunks.get(1).path("offset").asLong());
    assertEquals(chunks.get(1).path("content").size(), chunks.get(2).path("offset").asLong());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), stepsWithoutGapsOrDuplicates(chunks));
    assertEquals(6, s.acknowledgedLines());
  }

  @Test
  void serverErrorRetriedInsideTheClientKeepsOffsetsExact() throws Exception {
    WandbSink s = sink();
    fake.failFileStream(FakeWandb.status(500));
    s.start(info(), Map.of());
    for (int step = 0; step < 4; step++) {
      s.log(step, m(step), 1_700_000_000_000L);
    }
    s.finish(0);
    List<JsonNode> chunks = historyChunks(fake.fileStreams());
    assertEquals(List.of(0L, 1L, 2L, 3L), stepsWithoutGapsOrDuplicates(chunks));
  }

  @Test
  void theLastSummaryReplacesEarlierOnes() throws Exception {
    WandbSink s = sink();
    s.start(info(), Map.of());
    s.log(0, m(2.0), 1_700_000_000_000L);
    s.summary(Map.of("best", 1.0, "epoch", 1));
    FakeWandb.await(WAIT, () -> fake.fileStreams().size() >= 1);
    s.summary(Map.of("best", 0.5));
    s.finish(0);

    List<JsonNode> summaries = new ArrayList<>();
    for (FakeWandb.Seen p : fake.fileStreams()) {
      JsonNode sum = p.json().path("files").path(WandbSink.SUMMARY);
      if (!sum.isMissingNode()) {
        assertEquals(0, sum.path("offset").asInt(), "the summary is always a whole file");
        assertEquals(1, sum.path("content").size());
        summaries.add(FakeWandb.JSON.readTree(sum.path("content").path(0).asText()));
      }
    }
    assertTrue(summaries.size() >= 2, "summaries sent: " + summaries.size());
    JsonNode last = summaries.get(summaries.size() - 1);
    assertEquals(0.5, last.path("best").asDouble());
    assertFalse(last.has("epoch"), "a replaced summary drops keys no longer in it");
    assertEquals(2.0, last.path("loss").asDouble(), "latest metric values are in the summary");
  }

  @Test
  void configChangeUpdatesTheRunByBucketId() throws Exception {
    WandbSink s = sink();
    s.start(info(), Map.of("lr", 0.1));
    s.config(Map.of("lr", 0.2));
    s.finish(0);
    List<FakeWandb.Seen> upserts = fake.matching(x -> x.isGraphql("upsertBucket"));
    assertEquals(2, upserts.size());
    JsonNode vars = upserts.get(1).json().path("variables");
    assertEquals(FakeWandb.BUCKET_ID, vars.path("id").asText());
    assertEquals(
        0.2,
        FakeWandb.JSON.readTree(vars.path("config").asText()).path("lr").path("value").asDouble());
  }

  @Test
  void withoutAnEntityTheViewersDefaultEntityIsUsed() throws Exception {
    WandbSink s = sink(null, WandbClientTest.FAST, Duration.ofSeconds(30));
    s.start(info(), Map.of());
    s.log(0, m(1), 1_700_000_000_000L);
    s.finish(0);
    assertTrue(fake.seen.get(0).isGraphql("viewer"));
    assertEquals("alice", fake.seen.get(1).json().path("variables").path("entity").asText());
    assertEquals("/files/alice/proj/abcd1234/file_stream", fake.fileStreams().get(0).path());
  }

  @Test
  void anIdleRunSendsHeartbeats() throws Exception {
    WandbSink s = sink("team", WandbClientTest.FAST, Duration.ofMillis(100));
    s.start(info(), Map.of());
    FakeWandb.await(WAIT, () -> !fake.fileStreams().isEmpty());
    JsonNode beat = fake.fileStreams().get(0).json();
    assertTrue(beat.path("files").isObject() && beat.path("files").isEmpty(), beat.toString());
    assertFalse(beat.path("complete").asBoolean(true), beat.toString());
    s.finish(0);
  }

  @Test
  void imagesAreUploadedThroughUploadUrlsAndReferencedFromHistory() throws Exception {
    Path png = dir.resolve("media").resolve("sample_5.png");
    Files.createDirectories(png.getParent());
    ImageIO.write(new BufferedImage(7, 3, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
    WandbSink s = sink();
    s.start(info(), Map.of());
    s.log(5, m(1), 1_700_000_000_000L);
    s.image(5, "sample", png, 1_700_000_000_000L);
    s.finish(0);

    List<FakeWandb.Seen> urlQueries = fake.matching(x -> x.isGraphql("RunUploadUrls"));
    assertEquals(1, urlQueries.size());
    String name = urlQueries.get(0).json().path("variables").path("files").path(0).asText();
    assertTrue(name.startsWith("media/images/sample_5_") && name.endsWith(".png"), name);
    List<FakeWandb.Seen> puts = fake.matching(x -> x.method().equals("PUT"));
    assertEquals(1, puts.size());
    assertEquals("/upload/" + name, puts.get(0).path());
    assertArrayEquals(Files.readAllBytes(png), puts.get(0).raw());

    List<JsonNode> chunks = historyChunks(fake.fileStreams());
    JsonNode row = FakeWandb.JSON.readTree(chunks.get(0).path("content").path(0).asText());
    assertEquals(5, row.path("_step").asLong());
    assertEquals(1.0, row.path("loss").asDouble(), "image merged into the metrics row of its step");
    assertEquals("image-file", row.path("sample").path("_type").asText());
    assertEquals(name, row.path("sample").path("path").asText());
    assertEquals(7, row.path("sample").path("width").asInt());
    assertEquals(3, row.path("sample").path("height").asInt());
  }

  @Test
  void aDeadServerNeverThrowsAndFinishReturnsInBoundedTime() throws Exception {
    String base = fake.baseUrl();
    fake.close();
    WandbSettings settings = new WandbSettings("KEY", base, "team", "proj", Mode.ONLINE);
    // The default policy would retry for minutes; finish must still return after its timeout.
    client = new WandbClient(settings, RetryPolicy.DEFAULT);
    WandbSink s =
        new WandbSink(
            settings,
            client,
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(800));
    sinks.add(s);
    long t0 = System.nanoTime();
    s.start(info(), Map.of("lr", 1));
    for (int step = 0; step < 100; step++) {
      s.log(step, m(step), 1_700_000_000_000L);
    }
    s.summary(Map.of("best", 1));
    s.config(Map.of("lr", 2));
    long logMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(logMillis < 500, "logging blocked for " + logMillis + " ms");
    s.finish(1);
    long finishMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(finishMillis < 3000, "finish took " + finishMillis + " ms");
    s.close();
    long closeMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(closeMillis < 6000, "close took " + closeMillis + " ms");
  }

  @Test
  void aRefusedKeyTurnsTheSinkOffWithoutThrowing() throws Exception {
    fake.failGraphql(FakeWandb.status(401));
    WandbSink s = sink();
    s.start(info(), Map.of());
    s.log(0, m(1), 1_700_000_000_000L);
    s.finish(0);
    assertEquals(1, fake.seen.size(), "nothing after the refused upsert");
  }

  @Test
  void nonFiniteMetricsAreSentAsStrings() throws Exception {
    WandbSink s = sink();
    s.start(info(), Map.of());
    s.log(0, Map.of("loss", Double.NaN, "gain", Double.POSITIVE_INFINITY), 1_700_000_000_000L);
    s.finish(0);
    JsonNode row =
        FakeWandb.JSON.readTree(
            historyChunks(fake.fileStreams()).get(0).path("content").path(0).asText());
    assertEquals("NaN", row.path("loss").asText());
    assertEquals("Infinity", row.path("gain").asText());
  }

  @Test
  void fromEnvironmentWithoutAKeyIsAnInertSink() {
    WandbSink s = WandbSink.fromEnvironment(Map.of(), "proj");
    s.start(info(), Map.of());
    s.log(0, m(1), 1L);
    s.finish(0);
    s.close();
  }

  @Test
  void offlineAndDisabledSinksSendNothing() {
    for (Mode mode : new Mode[] {Mode.OFFLINE, Mode.DISABLED}) {
      WandbSink s = new WandbSink(new WandbSettings(null, fake.baseUrl(), null, "proj", mode));
      s.start(info(), Map.of("a", 1));
      s.log(0, m(1), 1L);
      s.summary(Map.of("b", 2));
      s.finish(0);
      s.close();
    }
    assertTrue(fake.seen.isEmpty());
  }
}
