package dev.residual.evals.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.EpochReducer;
import dev.residual.evals.Score;
import dev.residual.evals.metrics.MetricSet;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolCall;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalLogsTest {
  static EvalLog log(String input, String output, String target) {
    EvalSample s =
        new EvalSample(
            "id,1",
            1,
            List.of(new LogMessage("user", input, null, null, null)),
            List.of(
                new LogMessage("user", input, null, null, null),
                LogMessage.of(
                    new ChatMessage.Assistant(
                        output, List.of(new ToolCall("c1", "f", "{\"x\":1}")))),
                LogMessage.of(ChatMessage.tool("c1", "f", "2"))),
            output,
            List.of(target),
            Map.of("category", "a"),
            Map.of(
                "exact", new Score("C", "4", null, null), "num", new Score(0.5, null, null, null)),
            new TokenUsage(5, 2),
            null,
            100,
            20);
    EvalSpec spec =
        new EvalSpec(
            "t<1>",
            1,
            List.of("generate"),
            List.of("exact", "num"),
            1,
            EpochReducer.MODE,
            GenerateConfig.builder().temperature(0.5).stop(List.of("\n")).build(),
            null,
            Map.of());
    MetricSet m = new MetricSet(1, 1.0, 1.0, 0.0, 0.0);
    return new EvalLog(
        EvalLog.VERSION,
        "run",
        EvalLog.Status.SUCCESS,
        spec,
        "m/<x>",
        List.of(s),
        List.of(new ReducedSample("id,1", s.scores())),
        Map.of("exact", new ScorerMetrics(m, "category", Map.of("a", m))),
        0,
        new TokenUsage(5, 2),
        1,
        2);
  }

  @Test
  void atomicWriteReadsBackEqualAndLeavesNoTempFiles(@TempDir Path dir) throws Exception {
    EvalLog l = log("2+2", "4", "4");
    Path p = dir.resolve("sub/log.json");
    EvalLogs.write(l, p);
    EvalLogs.write(l, p); // replaces an existing log
    assertEquals(l, EvalLogs.read(p));
    try (Stream<Path> files = Files.list(p.getParent())) {
      assertEquals(List.of(p), files.toList());
    }
    // messages convert back, tool calls included
    assertEquals(
        new ChatMessage.Assistant("4", List.of(new ToolCall("c1", "f", "{\"x\":1}"))),
        EvalLogs.read(p).samples().get(0).messages().get(1).toChatMessage());
    assertEquals(
        ChatMessage.tool("c1", "f", "2"),
        EvalLogs.read(p).samples().get(0).messages().get(2).toChatMessage());
  }

  @Test
  void readingAMissingOrBrokenLogThrows(@TempDir Path dir) throws Exception {
    assertThrows(UncheckedIOException.class, () -> EvalLogs.read(dir.resolve("none.json")));
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"version\": 1, \"samples\": [");
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> EvalLogs.read(bad));
    assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
  }

  @Test
  void htmlEscapesEverythingFromTheLog(@TempDir Path dir) throws Exception {
    EvalLog l = log("<script>alert('x')</script> & \"q\"", "<b>4</b>", "a&b");
    String html = EvalLogs.html(l);
    assertFalse(html.contains("<script>"));
    assertFalse(html.contains("<b>4</b>"));
    assertTrue(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assertTrue(html.contains("&lt;b&gt;4&lt;/b&gt;"));
    assertTrue(html.contains("a&amp;b"));
    assertTrue(html.contains("t&lt;1&gt;"));
    assertTrue(html.contains("m/&lt;x&gt;"));
    assertTrue(html.contains("category=a"));
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertFalse(html.contains("http"));
    Path p = dir.resolve("report.html");
    EvalLogs.writeHtml(l, p);
    assertEquals(html, Files.readString(p));
    assertEquals("&amp;&lt;&gt;&quot;&#39;", EvalLogs.escapeHtml("&<>\"'"));
    assertEquals("", EvalLogs.escapeHtml(null));
  }

  @Test
  void csvQuotesCommasQuotesAndNewlines(@TempDir Path dir) throws Exception {
    EvalLog l = log("say \"hi\",\nplease", "plain", "t");
    String csv = EvalLogs.csv(l);
    String[] rows = csv.split("\r\n");
    assertEquals(
        "id,epoch,input,output,target,error,input_tokens,output_tokens,exact,num", rows[0]);
    assertEquals("\"id,1\",1,\"say \"\"hi\"\",\nplease\",plain,t,,5,2,C,0.5", rows[1]);
    assertEquals(2, rows.length);
    assertEquals("a", EvalLogs.csvField("a"));
    assertEquals("\"a\rb\"", EvalLogs.csvField("a\rb"));
    assertEquals("", EvalLogs.csvField(null));
    Path p = dir.resolve("s.csv");
    EvalLogs.writeCsv(l, p);
    assertEquals(csv, Files.readString(p));
  }

  @Test
  void withoutTimingsZeroesOnlyTimings() {
    EvalLog l = log("a", "b", "c").withoutTimings();
    assertEquals(0, l.startedAtMillis());
    assertEquals(0, l.samples().get(0).durationMillis());
    assertEquals("b", l.samples().get(0).output());
  }

  @Test
  void unknownRoleCannotBecomeAMessage() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new LogMessage("robot", "x", null, null, null).toChatMessage());
    assertTrue(e.getMessage().contains("robot"));
  }
}
