package dev.residual.track.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.residual.track.wandb.WandbSettings.Mode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WandbClientTest {
  static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5));

  FakeWandb fake;
  WandbClient client;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeWandb();
    client = new WandbClient(settings(fake.baseUrl()), FAST);
  }

  @AfterEach
  void tearDown() {
    client.close();
    fake.close();
  }

  static WandbSettings settings(String base) {
    return new WandbSettings("KEY-42", base, "team", "proj", Mode.ONLINE);
  }

  static String basic(String key) {
    return "Basic "
        + Base64.getEncoder().encodeToString(("api:" + key).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyRequestCarriesBasicAuthWithUserApiAndTheKey() throws Exception {
    client.upsertRun(null, "team", "proj", "run1", "first", List.of(), Map.of());
    client.fileStream("team", "proj", "run1", Map.of("files", Map.of()));
    assertEquals(2, fake.seen.size());
    for (FakeWandb.Seen s : fake.seen) {
      assertEquals(basic("KEY-42"), s.auth(), s.path());
    }
  }

  @Test
  void upsertSendsTheUpsertBucketMutationWithWrappedConfigAndReturnsTheBucketId() throws Exception {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("lr", 0.1);
    config.put("layers", List.of(64, 32));
    String id = client.upsertRun(null, "team", "proj", "run1", "first", List.of("a", "b"), config);
    assertEquals(FakeWandb.BUCKET_ID, id);

    FakeWandb.Seen req = fake.seen.get(0);
    assertEquals("POST", req.method());
    assertEquals("/graphql", req.path());
    JsonNode body = req.json();
    assertTrue(body.path("query").asText().contains("upsertBucket(input:"));
    JsonNode vars = body.path("variables");
    assertEquals("run1", vars.path("name").asText());
    assertEquals("first", vars.path("displayName").asText());
    assertEquals("proj", vars.path("project").asText());
    assertEquals("team", vars.path("entity").asText());
    assertEquals("a", vars.path("tags").path(0).asText());
    assertFalse(vars.has("id"));
    assertTrue(vars.path("config").isTextual(), "config travels as a JSON string");
    JsonNode cfg = FakeWandb.JSON.readTree(vars.path("config").asText());
    assertEquals(0.1, cfg.path("lr").path("value").asDouble());
    assertEquals(32, cfg.path("layers").path("value").path(1).asInt());
  }

  @Test
  void updateReusesTheBucketId() throws Exception {
    String id = client.upsertRun(null, "team", "proj", "run1", null, null, Map.of("a", 1));
    client.upsertRun(id, "team", "proj", "run1", null, null, Map.of("a", 2));
    JsonNode vars = fake.seen.get(1).json().path("variables");
    assertEquals(FakeWandb.BUCKET_ID, vars.path("id").asText());
    assertFalse(vars.has("tags"), "null tags leave the tags unchanged");
  }

  @Test
  void viewerEntityReadsTheDefaultEntity() throws Exception {
    assertEquals("alice", client.viewerEntity());
    assertTrue(fake.seen.get(0).json().path("query").asText().contains("viewer"));
  }

  @Test
  void fileStreamPostsToTheRunsFileStreamPath() throws Exception {
    client.fileStream("team", "proj", "run1", Map.of("complete", true, "exitcode", 0));
    FakeWandb.Seen s = fake.seen.get(0);
    assertEquals("/files/team/proj/run1/file_stream", s.path());
    assertTrue(s.json().path("complete").asBoolean());
  }

  @Test
  void serverErrorIsRetriedWithTheSameBody() throws Exception {
    fake.failFileStream(FakeWandb.status(500));
    fake.failFileStream(FakeWandb.status(503));
    client.fileStream("team", "proj", "run1", Map.of("files", Map.of("x", 1)));
    assertEquals(3, fake.seen.size());
    assertEquals(fake.seen.get(0).body(), fake.seen.get(2).body());
  }

  @Test
  void tooManyRequestsHonoursRetryAfterSeconds() throws Exception {
    fake.failFileStream(
        new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("slow").build());
    client.fileStream("team", "proj", "run1", Map.of("files", Map.of()));
    assertEquals(2, fake.seen.size());
    long gapMillis = (fake.seen.get(1).nanos() - fake.seen.get(0).nanos()) / 1_000_000;
    assertTrue(gapMillis >= 950, "waited only " + gapMillis + " ms");
  }

  @Test
  void clientErrorIsNotRetried() {
    fake.failFileStream(FakeWandb.status(400));
    WandbException e =
        assertThrows(
            WandbException.class,
            () -> client.fileStream("team", "proj", "run1", Map.of("files", Map.of())));
    assertEquals(400, e.status());
    assertFalse(e.transientFailure());
    assertEquals(1, fake.seen.size());
  }

  @Test
  void persistentFailureGivesUpWithinTheTotalBudget() {
    for (int i = 0; i < 100; i++) {
      fake.failFileStream(FakeWandb.status(502));
    }
    try (WandbClient quick =
        new WandbClient(
            settings(fake.baseUrl()),
            new RetryPolicy(
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(200)))) {
      long t0 = System.nanoTime();
      WandbException e =
          assertThrows(
              WandbException.class,
              () -> quick.fileStream("team", "proj", "run1", Map.of("files", Map.of())));
      assertTrue(e.transientFailure());
      assertTrue(e.getMessage().contains("gave up"), e.getMessage());
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 2000);
      assertTrue(fake.seen.size() > 2, "retried " + fake.seen.size() + " times");
    }
  }

  @Test
  void graphqlErrorsAreFailures() {
    fake.failGraphql(
        new MockResponse.Builder()
            .code(200)
            .body("{\"errors\":[{\"message\":\"permission denied\"}]}")
            .build());
    WandbException e =
        assertThrows(
            WandbException.class,
            () -> client.upsertRun(null, "team", "proj", "r", null, null, Map.of()));
    assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
  }

  @Test
  void uploadUrlsThenPutSendsTheBytesWithTheUploadHeaders() throws Exception {
    WandbClient.UploadUrls urls =
        client.uploadUrls("team", "proj", "run1", List.of("media/images/a.png"));
    JsonNode vars = fake.seen.get(0).json().path("variables");
    assertEquals("proj", vars.path("name").asText());
    assertEquals("run1", vars.path("run").asText());
    assertEquals("media/images/a.png", vars.path("files").path(0).asText());
    byte[] bytes = {1, 2, 3, 4};
    client.upload(urls.urls().get("media/images/a.png"), bytes, "image/png", urls.headers());
    FakeWandb.Seen put = fake.seen.get(1);
    assertEquals("PUT", put.method());
    assertEquals("/upload/media/images/a.png", put.path());
    assertEquals(4, put.body().length());
    assertTrue(put.hdr().contains("X-Upload-Token:t0k"), put.hdr().toString());
  }

  @Test
  void clientNeedsAnApiKey() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WandbClient(new WandbSettings(null, "http://x", null, "p", Mode.OFFLINE)));
    assertTrue(e.getMessage().contains("WANDB_API_KEY"));
  }
}
