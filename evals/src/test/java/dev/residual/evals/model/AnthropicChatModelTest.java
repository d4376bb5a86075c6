package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnthropicChatModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String TEXT_REPLY =
      """
      {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant",
       "model":"claude-3-5-haiku-20241022",
       "content":[{"type":"text","text":" B"}],
       "stop_reason":"end_turn","stop_sequence":null,
       "usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
         "output_tokens":3,"service_tier":"standard"}}
      """;

  static final String TOOL_REPLY =
      """
      {"id":"msg_01Aq9w938a90dw8q","type":"message","role":"assistant",
       "model":"claude-3-5-haiku-20241022",
       "content":[{"type":"text","text":"I'll add them."},
         {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"add",
          "input":{"a":2,"b":3}}],
       "stop_reason":"tool_use","stop_sequence":null,
       "usage":{"input_tokens":400,"output_tokens":60}}
      """;

  private MockWebServer server;
  private MockServers.RecordingSleeper sleeper;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    sleeper = new MockServers.RecordingSleeper();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AnthropicChatModel model(int maxAttempts) {
    return new AnthropicChatModel(
        "claude-3-5-haiku-latest",
        MockServers.settings(server.url("/v1").toString(), sleeper, maxAttempts));
  }

  private JsonNode body(RecordedRequest r) throws Exception {
    return JSON.readTree(r.getBody().utf8());
  }

  @Test
  void systemIsTopLevelAndPrefillIsPrepended() throws Exception {
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    AnthropicChatModel m = model(2);
    GenerateConfig cfg =
        GenerateConfig.builder().prefill("ANSWER:").stop(List.of("\n\n")).temperature(0.0).build();
    ModelOutput out =
        m.generate(
            List.of(
                ChatMessage.system("You answer tests."),
                ChatMessage.system("Be terse."),
                ChatMessage.user("Which? A) x B) y")),
            cfg);
    assertEquals("ANSWER: B", out.text());
    assertEquals(StopReason.STOP, out.stopReason());
    assertEquals(new TokenUsage(25, 3), out.usage());
    RecordedRequest r = server.takeRequest();
    assertEquals("/v1/messages", r.getUrl().encodedPath());
    assertEquals("test-key", r.getHeaders().get("x-api-key"));
    assertEquals("2023-06-01", r.getHeaders().get("anthropic-version"));
    JsonNode b = body(r);
    assertEquals("claude-3-5-haiku-latest", b.get("model").asText());
    assertEquals("You answer tests.\n\nBe terse.", b.get("system").asText());
    assertEquals(AnthropicChatModel.DEFAULT_MAX_TOKENS, b.get("max_tokens").asInt());
    assertEquals("\n\n", b.at("/stop_sequences/0").asText());
    assertEquals(0.0, b.get("temperature").asDouble());
    assertEquals(2, b.get("messages").size());
    assertEquals("user", b.at("/messages/0/role").asText());
    assertEquals("text", b.at("/messages/0/content/0/type").asText());
    assertEquals("Which? A) x B) y", b.at("/messages/0/content/0/text").asText());
    assertEquals("assistant", b.at("/messages/1/role").asText());
    assertEquals("ANSWER:", b.at("/messages/1/content/0/text").asText());
    assertFalse(b.has("seed"));
  }

  @Test
  void toolUseIsParsedAndToolResultsSentInAUserTurn() throws Exception {
    server.enqueue(MockServers.json(200, TOOL_REPLY));
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    AnthropicChatModel m = model(2);
    JsonNode params =
        JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}}}");
    List<ToolDef> tools = List.of(new ToolDef("add", "Adds", params));
    List<ChatMessage> conv = new ArrayList<>(List.of(ChatMessage.user("2+3?")));
    ModelOutput first = m.generate(conv, GenerateConfig.builder().maxTokens(50).build(), tools);
    assertEquals(StopReason.TOOL_CALLS, first.stopReason());
    assertEquals("I'll add them.", first.text());
    assertEquals(1, first.toolCalls().size());
    ToolCall c = first.toolCalls().get(0);
    assertEquals("toolu_01A09q90qw90lq917835lq9", c.id());
    assertEquals("add", c.name());
    assertEquals(JSON.readTree("{\"a\":2,\"b\":3}"), JSON.readTree(c.argumentsJson()));
    JsonNode req1 = body(server.takeRequest());
    assertEquals(50, req1.get("max_tokens").asInt());
    assertEquals("add", req1.at("/tools/0/name").asText());
    assertEquals("Adds", req1.at("/tools/0/description").asText());
    assertEquals(params, req1.at("/tools/0/input_schema"));

    conv.add(first.message());
    conv.add(ChatMessage.tool(c.id(), "add", "5"));
    m.generate(conv, null, tools);
    JsonNode req2 = body(server.takeRequest());
    JsonNode asst = req2.at("/messages/1");
    assertEquals("assistant", asst.get("role").asText());
    assertEquals("text", asst.at("/content/0/type").asText());
    assertEquals("tool_use", asst.at("/content/1/type").asText());
    assertEquals(c.id(), asst.at("/content/1/id").asText());
    assertEquals("add", asst.at("/content/1/name").asText());
    assertEquals(2, asst.at("/content/1/input/a").asInt());
    JsonNode res = req2.at("/messages/2");
    assertEquals("user", res.get("role").asText());
    assertEquals("tool_result", res.at("/content/0/type").asText());
    assertEquals(c.id(), res.at("/content/0/tool_use_id").asText());
    assertEquals("5", res.at("/content/0/content").asText());
  }

  @Test
  void consecutiveToolResultsShareOneUserTurn() throws Exception {
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    List<ChatMessage> conv =
        List.of(
            ChatMessage.user("go"),
            new ChatMessage.Assistant(
                "", List.of(new ToolCall("t1", "f", "{}"), new ToolCall("t2", "f", "{\"x\":1}"))),
            ChatMessage.tool("t1", "f", "one"),
            ChatMessage.tool("t2", "f", "two"));
    model(1).generate(conv, null);
    JsonNode b = body(server.takeRequest());
    assertEquals(3, b.get("messages").size());
    assertEquals(2, b.at("/messages/2/content").size());
    assertEquals("t2", b.at("/messages/2/content/1/tool_use_id").asText());
    assertEquals(2, b.at("/messages/1/content").size()); // two tool_use blocks, no empty text
  }

  @Test
  void toolCallWithInvalidArgumentsIsRejected() {
    List<ChatMessage> conv =
        List.of(new ChatMessage.Assistant("", List.of(new ToolCall("t1", "f", "[1, 2]"))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model(1).generate(conv, null));
    assertTrue(e.getMessage().contains("t1"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void stopReasonsMap() {
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("end_turn", "max_tokens")));
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("end_turn", "stop_sequence")));
    AnthropicChatModel m = model(1);
    assertEquals(
        StopReason.MAX_TOKENS, m.generate(List.of(ChatMessage.user("q")), null).stopReason());
    assertEquals(StopReason.STOP, m.generate(List.of(ChatMessage.user("q")), null).stopReason());
  }

  @Test
  void overloadedIsRetriedHonouringAnHttpDateRetryAfter() {
    server.enqueue(
        MockServers.json(
            529,
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
    server.enqueue(
        new MockResponse.Builder()
            .code(429)
            .addHeader("retry-after", date)
            .body(
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow\"}}")
            .build());
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    AnthropicChatModel m = model(4);
    assertEquals(" B", m.generate(List.of(ChatMessage.user("q")), null).text());
    assertEquals(2, sleeper.delays.size());
    long s = sleeper.delays.get(1).toSeconds();
    assertTrue(s >= 27 && s <= 30, "http-date delay " + sleeper.delays.get(1));
  }

  @Test
  void invalidRequestIsNotRetried() {
    server.enqueue(
        MockServers.json(
            400,
            "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"max_tokens: Field required\"}}"));
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(4).generate(List.of(ChatMessage.user("q")), null));
    assertEquals(400, e.status());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("max_tokens: Field required"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void responseWithoutContentIsNamed() {
    server.enqueue(MockServers.json(200, "{\"type\":\"message\",\"stop_reason\":\"end_turn\"}"));
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(4).generate(List.of(ChatMessage.user("q")), null));
    assertTrue(e.getMessage().contains("no content array"), e.getMessage());
    assertFalse(e.retryable());
  }

  @Test
  void retryAfterParsingCoversSecondsMillisAndGarbage() {
    assertEquals(Duration.ofSeconds(3), HttpChatModel.serverDelay(null, "3"));
    assertEquals(Duration.ofMillis(250), HttpChatModel.serverDelay("250", "9"));
    assertEquals(null, HttpChatModel.serverDelay(null, "soon"));
    assertEquals(null, HttpChatModel.serverDelay(null, null));
    assertEquals(Duration.ZERO, HttpChatModel.serverDelay(null, "Wed, 21 Oct 2015 07:28:00 GMT"));
  }
}
