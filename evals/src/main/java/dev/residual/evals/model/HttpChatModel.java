package dev.residual.evals.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The shared HTTP machinery of the API providers: one JSON POST per attempt over OkHttp, with a
 * per-model concurrency limit (a fair {@link Semaphore} held for the whole call, retries included),
 * connect/read/call timeouts, retries by a {@link RetryPolicy}, and {@link UsageStats}.
 *
 * <p>Error classification: connection failures and timeouts (status 0), 408, 409, 429 and every 5xx
 * (529 "overloaded" included) are retryable; every other status (400, 401, 403, 404, ...) is not; a
 * body whose {@code error.code} or {@code error.type} is {@code insufficient_quota} is not (an
 * exhausted account does not recover by waiting); an {@code x-should-retry: true|false} header
 * overrides all of these. A retry waits the server's {@code retry-after-ms} or {@code Retry-After}
 * (seconds or an HTTP date) when given, else the policy's jittered backoff. A 2xx whose body is not
 * the expected JSON fails at once with a non-retryable {@link ModelException} naming the problem.
 *
 * <p>Subclasses only build the request body and parse the response.
 */
public abstract class HttpChatModel implements ChatModel {
  /** Shared JSON mapper (thread-safe once configured). */
  protected static final ObjectMapper JSON = new ObjectMapper();

  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final String name;
  private final HttpSettings settings;
  private final OkHttpClient client;
  private final Semaphore permits;
  private final UsageStats usage = new UsageStats();

  /**
   * @param name {@code provider/model}
   * @param settings transport settings
   */
  protected HttpChatModel(String name, HttpSettings settings) {
    this.name = Objects.requireNonNull(name, "HttpChatModel: name");
    this.settings = Objects.requireNonNull(settings, "HttpChatModel: settings");
    this.client =
        new OkHttpClient.Builder()
            .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .writeTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .callTimeout(settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS)
            // OkHttp's own silent retry only replays a request on a stale pooled connection or
            // another route; timeouts and HTTP errors come to the RetryPolicy below
            .retryOnConnectionFailure(true)
            // keep a warm connection per permit: OkHttp's default pool keeps only 5 idle, so a
            // runner at 32 concurrent calls would otherwise reconnect on most calls
            .connectionPool(new ConnectionPool(settings.maxConcurrent(), 5, TimeUnit.MINUTES))
            .build();
    this.client.dispatcher().setMaxRequestsPerHost(settings.maxConcurrent());
    this.permits = new Semaphore(settings.maxConcurrent(), true);
  }

  @Override
  public String name() {
    return name;
  }

  /** The transport settings. */
  public HttpSettings settings() {
    return settings;
  }

  /** This model's running totals. */
  public UsageStats usage() {
    return usage;
  }

  /** The endpoint path under the base URL, e.g. {@code /chat/completions}. */
  protected abstract String path();

  /** Provider-specific headers (authentication, versions). */
  protected abstract Map<String, String> headers();

  /**
   * The request body for one call.
   *
   * @throws IllegalArgumentException if the messages cannot be expressed for this provider
   */
  protected abstract ObjectNode requestBody(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools);

  /**
   * Parses a successful response.
   *
   * @throws ModelException (non-retryable) if a required field is missing
   */
  protected abstract ModelOutput parse(JsonNode body, GenerateConfig config);

  @Override
  public ModelOutput generate(
      List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
    Objects.requireNonNull(messages, name + ".generate: messages");
    GenerateConfig cfg = config == null ? GenerateConfig.DEFAULT : config;
    List<ToolDef> tl = tools == null ? List.of() : tools;
    String body;
    try {
      body = JSON.writeValueAsString(requestBody(messages, cfg, tl));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(name + ": cannot serialise the request", e);
    }
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException(name + ": interrupted waiting for a connection slot", 0, false, e);
    }
    try {
      RetryPolicy retry = settings.retry();
      for (int attempt = 1; ; attempt++) {
        Attempt a;
        ModelOutput out = null;
        try {
          a = attempt(body);
          if (a.output != null) {
            out = parse(a.output, cfg);
          }
        } catch (ModelException e) { // an unreadable success response: never retried
          usage.recordFailure();
          throw e;
        }
        if (out != null) {
          usage.recordCall(out.usage());
          return out;
        }
        ModelException err = a.error;
        if (!err.retryable() || attempt >= retry.maxAttempts()) {
          usage.recordFailure();
          if (err.retryable()) {
            throw new ModelException(
                err.getMessage() + " (gave up after " + attempt + " attempts)",
                err.status(),
                true,
                err);
          }
          throw err;
        }
        try {
          retry.sleeper().sleep(retry.delay(attempt, a.serverDelay));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          usage.recordFailure();
          throw new ModelException(
              name + ": interrupted while backing off", err.status(), false, e);
        }
        usage.recordRetry();
      }
    } finally {
      permits.release();
    }
  }

  /** The outcome of one HTTP attempt: a parsed body, or an error with any server-named delay. */
  private record Attempt(JsonNode output, ModelException error, Duration serverDelay) {}

  private Attempt attempt(String body) {
    Request.Builder rb =
        new Request.Builder()
            .url(settings.baseUrl() + path())
            .post(RequestBody.create(body, JSON_TYPE));
    headers().forEach(rb::header);
    try (Response resp = client.newCall(rb.build()).execute()) {
      ResponseBody rbody = resp.body();
      String text = rbody == null ? "" : rbody.string();
      int code = resp.code();
      if (resp.isSuccessful()) {
        try {
          JsonNode node = JSON.readTree(text);
          if (node == null || !node.isObject()) {
            throw new ModelException(
                name + ": HTTP " + code + " response is not a JSON object: " + snippet(text),
                code,
                false,
                null);
          }
          return new Attempt(node, null, null);
        } catch (JsonProcessingException e) {
          throw new ModelException(
              name
                  + ": HTTP "
                  + code
                  + " response is malformed JSON ("
                  + e.getOriginalMessage()
                  + "): "
                  + snippet(text),
              code,
              false,
              e);
        }
      }
      boolean retryable = code == 408 || code == 409 || code == 429 || code >= 500;
      String errorKind = errorKind(text);
      if ("insufficient_quota".equals(errorKind)) {
        retryable = false;
      }
      String should = resp.header("x-should-retry");
      if ("true".equalsIgnoreCase(should)) {
        retryable = true;
      } else if ("false".equalsIgnoreCase(should)) {
        retryable = false;
      }
      String msg =
          name
              + ": HTTP "
              + code
              + (errorKind != null ? " (" + errorKind + ")" : "")
              + ": "
              + snippet(text);
      return new Attempt(
          null,
          new ModelException(msg, code, retryable, null),
          serverDelay(resp.header("retry-after-ms"), resp.header("Retry-After")));
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted()) { // cancelled by the caller, not a slow server
        return new Attempt(
            null, new ModelException(name + ": interrupted during the call", 0, false, e), null);
      }
      return new Attempt(
          null,
          new ModelException(name + ": timed out (" + e.getMessage() + ")", 0, true, e),
          null);
    } catch (IOException e) {
      return new Attempt(
          null, new ModelException(name + ": connection failed (" + e + ")", 0, true, e), null);
    }
  }

  /** {@code error.code} or else {@code error.type} of an error body, or null. */
  private static String errorKind(String text) {
    try {
      JsonNode n = JSON.readTree(text);
      JsonNode e = n == null ? null : n.get("error");
      if (e == null || !e.isObject()) {
        return null;
      }
      if (e.hasNonNull("code") && "insufficient_quota".equals(e.get("code").asText())) {
        return "insufficient_quota";
      }
      if (e.hasNonNull("type")) {
        return e.get("type").asText();
      }
      return e.hasNonNull("code") ? e.get("code").asText() : null;
    } catch (JsonProcessingException | RuntimeException ex) {
      return null;
    }
  }

  /**
   * The delay a server asked for: {@code retry-after-ms} (milliseconds) first, else {@code
   * Retry-After} as seconds (possibly fractional) or an RFC 1123 HTTP date; null if absent or
   * unreadable.
   */
  static Duration serverDelay(String retryAfterMs, String retryAfter) {
    if (retryAfterMs != null) {
      try {
        return Duration.ofMillis((long) Double.parseDouble(retryAfterMs.trim()));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    if (retryAfter == null || retryAfter.isBlank()) {
      return null;
    }
    try {
      return Duration.ofMillis((long) (Double.parseDouble(retryAfter.trim()) * 1000));
    } catch (NumberFormatException ignored) {
      // an HTTP date
    }
    try {
      Instant at =
          ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A bounded excerpt of a response body for error messages. */
  protected static String snippet(String text) {
    String t = text == null ? "" : text.strip();
    return t.length() <= 300 ? t : t.substring(0, 300) + "...";
  }

  /** A non-retryable error for a response missing {@code what}. */
  protected ModelException malformed(String what, JsonNode body) {
    return new ModelException(
        name + ": malformed response, " + what + ": " + snippet(body.toString()), 200, false, null);
  }
}
