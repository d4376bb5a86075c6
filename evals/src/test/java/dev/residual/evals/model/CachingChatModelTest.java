package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachingChatModelTest {
  @TempDir Path dir;

  @Test
  void cachedRerunMakesZeroHttpCalls() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(MockServers.json(200, OpenAiChatModelTest.TOOL_REPLY));
      server.enqueue(MockServers.json(200, OpenAiChatModelTest.TEXT_REPLY));
      List<List<ChatMessage>> prompts =
          List.of(List.of(ChatMessage.user("a")), List.of(ChatMessage.user("b")));
      GenerateConfig cfg = GenerateConfig.builder().temperature(0.7).build();
      ModelOutput[] first = new ModelOutput[2];
      for (int run = 0; run < 2; run++) {
        // a fresh model and cache object per run, as a rerun of the program would have
        OpenAiChatModel m =
            new OpenAiChatModel(
                "gpt-4o-mini",
                MockServers.settings(
                    server.url("/v1").toString(), new MockServers.RecordingSleeper(), 1));
        CachingChatModel c = new CachingChatModel(m, dir, Duration.ofDays(7));
        for (int i = 0; i < 2; i++) {
          ModelOutput out = c.generate(prompts.get(i), cfg, List.of());
          if (run == 0) {
            first[i] = out;
          } else {
            assertEquals(first[i], out);
          }
        }
        assertEquals(run == 0 ? 2 : 0, c.misses());
        assertEquals(run == 0 ? 0 : 2, c.hits());
      }
      assertEquals(2, server.getRequestCount());
      assertEquals(StopReason.TOOL_CALLS, first[0].stopReason());
      assertEquals("call_abc", first[0].toolCalls().get(0).id());
    }
  }

  @Test
  void epochConfigToolsAndModelAllChangeTheKey() throws Exception {
    ScriptedChatModel s = ScriptedChatModel.fixed("x");
    CachingChatModel c = new CachingChatModel(s, dir, null);
    List<ChatMessage> msgs = List.of(ChatMessage.user("q"));
    String base = c.key(msgs, GenerateConfig.DEFAULT, List.of(), 0);
    assertEquals(base, c.key(List.of(ChatMessage.user("q")), GenerateConfig.DEFAULT, List.of(), 0));
    assertNotEquals(base, c.key(msgs, GenerateConfig.DEFAULT, List.of(), 1));
    assertNotEquals(base, c.key(msgs, GenerateConfig.builder().seed(1L).build(), List.of(), 0));
    ToolDef t = new ToolDef("f", "", new ObjectMapper().readTree("{\"type\":\"object\"}"));
    assertNotEquals(base, c.key(msgs, GenerateConfig.DEFAULT, List.of(t), 0));
    assertNotEquals(
        base,
        new CachingChatModel(ScriptedChatModel.echo(), dir, null)
            .key(msgs, GenerateConfig.DEFAULT, List.of(), 0));
    c.forEpoch(0).generate(msgs, null);
    c.forEpoch(1).generate(msgs, null);
    c.forEpoch(1).generate(msgs, null);
    assertEquals(2, s.calls());
    assertEquals(1, c.hits());
  }

  @Test
  void schemaKeyOrderDoesNotChangeTheKey() throws Exception {
    ObjectMapper json = new ObjectMapper();
    CachingChatModel c = new CachingChatModel(ScriptedChatModel.fixed("x"), dir, null);
    List<ChatMessage> msgs = List.of(ChatMessage.user("q"));
    GenerateConfig a =
        GenerateConfig.builder()
            .responseSchema("s", json.readTree("{\"a\":1,\"b\":{\"c\":2,\"d\":3}}"))
            .build();
    GenerateConfig b =
        GenerateConfig.builder()
            .responseSchema("s", json.readTree("{\"b\":{\"d\":3,\"c\":2},\"a\":1}"))
            .build();
    assertEquals(c.key(msgs, a, List.of(), 0), c.key(msgs, b, List.of(), 0));
  }

  @Test
  void expiredEntriesAreRefetched() {
    ScriptedChatModel s = ScriptedChatModel.fixed("x");
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    List<ChatMessage> msgs = List.of(ChatMessage.user("q"));
    new CachingChatModel(s, dir, Duration.ofHours(1), Clock.fixed(t0, ZoneOffset.UTC))
        .generate(msgs, null);
    CachingChatModel soon =
        new CachingChatModel(
            s, dir, Duration.ofHours(1), Clock.fixed(t0.plusSeconds(1800), ZoneOffset.UTC));
    soon.generate(msgs, null);
    assertEquals(1, soon.hits());
    CachingChatModel late =
        new CachingChatModel(
            s, dir, Duration.ofHours(1), Clock.fixed(t0.plusSeconds(7200), ZoneOffset.UTC));
    late.generate(msgs, null);
    assertEquals(1, late.misses());
    assertEquals(2, s.calls());
  }

  @Test
  void damagedEntryIsAMissAndNoTempFilesRemain() throws Exception {
    ScriptedChatModel s = ScriptedChatModel.fixed("x");
    CachingChatModel c = new CachingChatModel(s, dir, null);
    List<ChatMessage> msgs = List.of(ChatMessage.user("q"));
    c.generate(msgs, null);
    String key = c.key(msgs, GenerateConfig.DEFAULT, List.of(), 0);
    Path entry = dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    assertTrue(Files.exists(entry));
    Files.writeString(entry, "{\"created\": 1, \"outp");
    assertEquals("x", c.generate(msgs, null).text());
    assertEquals(2, s.calls());
    assertEquals("x", c.generate(msgs, null).text());
    assertEquals(2, s.calls());
    try (Stream<Path> files = Files.walk(dir)) {
      assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  @Test
  void failuresAreNotCached() {
    ScriptedChatModel s = ScriptedChatModel.sequence(List.of("only"));
    CachingChatModel c = new CachingChatModel(s, dir, null);
    c.generate(List.of(ChatMessage.user("a")), null);
    assertThrows(
        IllegalStateException.class, () -> c.generate(List.of(ChatMessage.user("b")), null));
    assertThrows(
        IllegalStateException.class, () -> c.generate(List.of(ChatMessage.user("b")), null));
  }

  @Test
  void negativeExpiryIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CachingChatModel(ScriptedChatModel.echo(), dir, Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("expiry"));
  }
}
