package dev.residual.evals.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiChatModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String TEXT_REPLY =
      """
      {"id":"chatcmpl-abc123","object":"chat.completion","created":1741569952,
       "model":"gpt-4o-mini-2024-07-18",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Paris.","refusal":null,
         "annotations":[]},"logprobs":null,"finish_reason":"stop"}],
       "usage":{"prompt_tokens":19,"completion_tokens":2,"total_tokens":21,
         "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
         "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}},
       "service_tier":"default","system_fingerprint":"fp_06737a9306"}
      """;

  static final String TOOL_REPLY =
      """
      {"id":"chatcmpl-tool","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,
         "tool_calls":[{"id":"call_abc","type":"function","function":{"name":"add",
           "arguments":"{\\"a\\":2,\\"b\\":3}"}}],"refusal":null},
         "logprobs":null,"finish_reason":"tool_calls"}],
       "usage":{"prompt_tokens":80,"completion_tokens":17,"total_tokens":97}}
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

  private OpenAiChatModel model(int maxAttempts) {
    return new OpenAiChatModel(
        "gpt-4o-mini", MockServers.settings(server.url("/v1").toString(), sleeper, maxAttempts));
  }

  private JsonNode body(RecordedRequest r) throws Exception {
    return JSON.readTree(r.getBody().utf8());
  }

  @Test
  void plainTextRequestAndResponseFollowTheApi() throws Exception {
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    OpenAiChatModel m = model(3);
    GenerateConfig cfg =
        GenerateConfig.builder()
            .temperature(0.5)
            .topP(0.9)
            .maxTokens(20)
            .stop(List.of("\n"))
            .seed(42L)
            .build();
    ModelOutput out =
        m.generate(
            List.of(ChatMessage.system("Be brief."), ChatMessage.user("Capital of France?")), cfg);
    assertEquals("Paris.", out.text());
    assertEquals(StopReason.STOP, out.stopReason());
    assertEquals(new TokenUsage(19, 2), out.usage());
    assertEquals("gpt-4o-mini-2024-07-18", out.model());
    RecordedRequest r = server.takeRequest();
    assertEquals("/v1/chat/completions", r.getUrl().encodedPath());
    assertEquals("Bearer test-key", r.getHeaders().get("Authorization"));
    JsonNode b = body(r);
    assertEquals("gpt-4o-mini", b.get("model").asText());
    assertEquals("system", b.at("/messages/0/role").asText());
    assertEquals("Be brief.", b.at("/messages/0/content").asText());
    assertEquals("user", b.at("/messages/1/role").asText());
    assertEquals(0.5, b.get("temperature").asDouble());
    assertEquals(0.9, b.get("top_p").asDouble());
    assertEquals(20, b.get("max_tokens").asInt());
    assertEquals("\n", b.at("/stop/0").asText());
    assertEquals(42, b.get("seed").asLong());
    assertFalse(b.has("tools"));
    assertEquals(1, m.usage().calls());
    assertEquals(19, m.usage().inputTokens());
  }

  @Test
  void toolCallsAreParsedAndToolResultsSent() throws Exception {
    server.enqueue(MockServers.json(200, TOOL_REPLY));
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    OpenAiChatModel m = model(3);
    JsonNode params =
        JSON.readTree(
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
                + "\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"]}");
    List<ToolDef> tools = List.of(new ToolDef("add", "Adds two integers", params));
    List<ChatMessage> conv = new java.util.ArrayList<>(List.of(ChatMessage.user("2+3?")));
    ModelOutput first = m.generate(conv, GenerateConfig.DEFAULT, tools);
    assertEquals(StopReason.TOOL_CALLS, first.stopReason());
    assertEquals(List.of(new ToolCall("call_abc", "add", "{\"a\":2,\"b\":3}")), first.toolCalls());
    assertEquals("", first.text());
    JsonNode req1 = body(server.takeRequest());
    assertEquals("function", req1.at("/tools/0/type").asText());
    assertEquals("add", req1.at("/tools/0/function/name").asText());
    assertEquals("Adds two integers", req1.at("/tools/0/function/description").asText());
    assertEquals(params, req1.at("/tools/0/function/parameters"));

    conv.add(first.message());
    conv.add(ChatMessage.tool("call_abc", "add", "5"));
    m.generate(conv, GenerateConfig.DEFAULT, tools);
    JsonNode req2 = body(server.takeRequest());
    JsonNode asst = req2.at("/messages/1");
    assertEquals("assistant", asst.get("role").asText());
    assertTrue(asst.get("content").isNull());
    assertEquals("call_abc", asst.at("/tool_calls/0/id").asText());
    assertEquals("function", asst.at("/tool_calls/0/type").asText());
    assertEquals("add", asst.at("/tool_calls/0/function/name").asText());
    assertTrue(asst.at("/tool_calls/0/function/arguments").isTextual());
    assertEquals("{\"a\":2,\"b\":3}", asst.at("/tool_calls/0/function/arguments").asText());
    JsonNode tool = req2.at("/messages/2");
    assertEquals("tool", tool.get("role").asText());
    assertEquals("call_abc", tool.get("tool_call_id").asText());
    assertEquals("5", tool.get("content").asText());
  }

  @Test
  void structuredOutputAndPrefillAreSent() throws Exception {
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("\"Paris.\"", "\"\\\"Paris\\\"}\"")));
    JsonNode schema =
        JSON.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
    GenerateConfig cfg =
        GenerateConfig.builder().responseSchema("city", schema).prefill("{\"city\": ").build();
    ModelOutput out = model(1).generate(List.of(ChatMessage.user("Capital?")), cfg);
    assertEquals("{\"city\": \"Paris\"}", out.text());
    JsonNode b = body(server.takeRequest());
    assertEquals("json_schema", b.at("/response_format/type").asText());
    assertEquals("city", b.at("/response_format/json_schema/name").asText());
    assertTrue(b.at("/response_format/json_schema/strict").asBoolean());
    assertEquals(schema, b.at("/response_format/json_schema/schema"));
    assertEquals("assistant", b.at("/messages/1/role").asText());
    assertEquals("{\"city\": ", b.at("/messages/1/content").asText());
  }

  @Test
  void prefillEchoedByTheServerIsNotDoubled() {
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("\"Paris.\"", "\"ANSWER: B\"")));
    GenerateConfig cfg = GenerateConfig.builder().prefill("ANSWER:").build();
    assertEquals("ANSWER: B", model(1).generate(List.of(ChatMessage.user("q")), cfg).text());
  }

  @Test
  void finishReasonsMapToStopReasons() {
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("\"stop\"", "\"length\"")));
    server.enqueue(MockServers.json(200, TEXT_REPLY.replace("\"stop\"", "\"content_filter\"")));
    OpenAiChatModel m = model(1);
    assertEquals(
        StopReason.MAX_TOKENS, m.generate(List.of(ChatMessage.user("q")), null).stopReason());
    assertEquals(
        StopReason.CONTENT_FILTER, m.generate(List.of(ChatMessage.user("q")), null).stopReason());
  }

  @Test
  void rateLimitStormIsRiddenOutHonouringRetryAfter() {
    String err =
        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
    server.enqueue(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "2").body(err).build());
    server.enqueue(
        new MockResponse.Builder().code(429).addHeader("retry-after-ms", "1500").body(err).build());
    server.enqueue(
        new MockResponse.Builder().code(429).addHeader("Retry-After", "0.25").body(err).build());
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    OpenAiChatModel m = model(6);
    assertEquals("Paris.", m.generate(List.of(ChatMessage.user("q")), null).text());
    assertEquals(
        List.of(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250)),
        sleeper.delays);
    assertEquals(4, server.getRequestCount());
    assertEquals(3, m.usage().retries());
    assertEquals(1, m.usage().calls());
  }

  @Test
  void serverErrorIsRetriedWithJitteredBackoff() {
    server.enqueue(
        MockServers.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
    server.enqueue(MockServers.json(503, "upstream unavailable"));
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    assertEquals("Paris.", model(3).generate(List.of(ChatMessage.user("q")), null).text());
    assertEquals(2, sleeper.delays.size());
    // full jitter: attempt 1 waits within [0, 100 ms], attempt 2 within [0, 200 ms]
    assertTrue(sleeper.delays.get(0).toMillis() <= 100, sleeper.delays.toString());
    assertTrue(sleeper.delays.get(1).toMillis() <= 200, sleeper.delays.toString());
  }

  @Test
  void badRequestIsNotRetried() {
    server.enqueue(
        MockServers.json(
            400,
            "{\"error\":{\"message\":\"Invalid value for 'temperature'\","
                + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":null}}"));
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    OpenAiChatModel m = model(5);
    ModelException e =
        assertThrows(ModelException.class, () -> m.generate(List.of(ChatMessage.user("q")), null));
    assertEquals(400, e.status());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("invalid_request_error"), e.getMessage());
    assertEquals(1, server.getRequestCount());
    assertEquals(1, m.usage().failures());
  }

  @Test
  void insufficientQuotaIsNotRetried() {
    server.enqueue(
        MockServers.json(
            429,
            "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan "
                + "and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,"
                + "\"code\":\"insufficient_quota\"}}"));
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(5).generate(List.of(ChatMessage.user("q")), null));
    assertEquals(429, e.status());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("insufficient_quota"), e.getMessage());
    assertEquals(1, server.getRequestCount());
    assertTrue(sleeper.delays.isEmpty());
  }

  @Test
  void shouldRetryHeaderOverridesTheStatus() {
    server.enqueue(
        new MockResponse.Builder()
            .code(503)
            .addHeader("x-should-retry", "false")
            .body("{}")
            .build());
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(5).generate(List.of(ChatMessage.user("q")), null));
    assertFalse(e.retryable());
    assertEquals(1, server.getRequestCount());

    server.enqueue(
        new MockResponse.Builder()
            .code(400)
            .addHeader("x-should-retry", "true")
            .body("{}")
            .build());
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    assertEquals("Paris.", model(5).generate(List.of(ChatMessage.user("q")), null).text());
  }

  @Test
  void retriesStopAfterMaxAttemptsWithARetryableError() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(MockServers.json(502, "bad gateway"));
    }
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(3).generate(List.of(ChatMessage.user("q")), null));
    assertEquals(502, e.status());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
    assertEquals(3, server.getRequestCount());
  }

  @Test
  void malformedJsonFailsClearlyWithoutRetrying() {
    server.enqueue(MockServers.json(200, "{\"choices\": [ {\"message\": "));
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(5).generate(List.of(ChatMessage.user("q")), null));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void responseWithoutChoicesIsNamed() {
    server.enqueue(MockServers.json(200, "{\"id\":\"x\",\"choices\":[]}"));
    ModelException e =
        assertThrows(
            ModelException.class, () -> model(5).generate(List.of(ChatMessage.user("q")), null));
    assertTrue(e.getMessage().contains("no choices[0]"), e.getMessage());
  }

  @Test
  void stalledConnectionEndsInRetryableTimeout() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(TEXT_REPLY)
            .headersDelay(3, TimeUnit.SECONDS)
            .build());
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(TEXT_REPLY)
            .headersDelay(3, TimeUnit.SECONDS)
            .build());
    HttpSettings s =
        MockServers.settings(server.url("/v1").toString(), sleeper, 2)
            .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1));
    OpenAiChatModel m = new OpenAiChatModel("gpt-4o-mini", s);
    long t0 = System.nanoTime();
    ModelException e =
        assertThrows(ModelException.class, () -> m.generate(List.of(ChatMessage.user("q")), null));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(0, e.status());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    assertEquals(1, sleeper.delays.size());
    assertTrue(ms < 2500, "took " + ms + " ms");
  }

  @Test
  void connectionRefusedIsRetryable() throws Exception {
    String url = server.url("/v1").toString();
    server.close();
    OpenAiChatModel m = new OpenAiChatModel("gpt-4o-mini", MockServers.settings(url, sleeper, 2));
    ModelException e =
        assertThrows(ModelException.class, () -> m.generate(List.of(ChatMessage.user("q")), null));
    assertEquals(0, e.status());
    assertTrue(e.retryable());
    assertEquals(1, sleeper.delays.size());
  }

  @Test
  void statusClassificationFollowsTheRetryRules() {
    int[] retryable = {408, 409, 429, 500, 502, 529};
    int[] final_ = {400, 401, 403, 404, 422};
    for (int code : retryable) {
      server.enqueue(MockServers.json(code, "{}"));
      server.enqueue(MockServers.json(200, TEXT_REPLY));
      assertEquals("Paris.", model(2).generate(List.of(ChatMessage.user("q")), null).text());
    }
    for (int code : final_) {
      server.enqueue(MockServers.json(code, "{}"));
      ModelException e =
          assertThrows(
              ModelException.class, () -> model(2).generate(List.of(ChatMessage.user("q")), null));
      assertEquals(code, e.status());
      assertFalse(e.retryable(), "status " + code);
    }
    assertEquals(2 * retryable.length + final_.length, server.getRequestCount());
  }

  @Test
  void stalledBodyAfterHeadersEndsInRetryableTimeout() {
    MockResponse slow =
        new MockResponse.Builder()
            .code(200)
            .body(TEXT_REPLY)
            .bodyDelay(3, TimeUnit.SECONDS)
            .build();
    server.enqueue(slow);
    server.enqueue(MockServers.json(200, TEXT_REPLY));
    HttpSettings s =
        MockServers.settings(server.url("/v1").toString(), sleeper, 2)
            .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1));
    OpenAiChatModel m = new OpenAiChatModel("gpt-4o-mini", s);
    assertEquals("Paris.", m.generate(List.of(ChatMessage.user("q")), null).text());
    assertEquals(1, m.usage().retries());
  }

  @Test
  void toolArgumentsSentAsAnObjectByACompatibleServerAreAccepted() {
    server.enqueue(
        MockServers.json(200, TOOL_REPLY.replace("\"{\\\"a\\\":2,\\\"b\\\":3}\"", "{\"a\":2}")));
    ModelOutput out = model(1).generate(List.of(ChatMessage.user("q")), null);
    assertEquals("{\"a\":2}", out.toolCalls().get(0).argumentsJson());
  }

  @Test
  void fromEnvWithoutKeyNamesTheVariable() {
    if (System.getenv("OPENAI_API_KEY") == null) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> OpenAiChatModel.fromEnv("gpt-4o-mini"));
      assertTrue(e.getMessage().contains("OPENAI_API_KEY"));
    }
  }
}
