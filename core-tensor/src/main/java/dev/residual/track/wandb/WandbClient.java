package dev.residual.track.wandb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of the Weights & Biases HTTP API a run needs, spoken with OkHttp the way the official
 * Python client speaks them.
 *
 * <ul>
 *   <li>Every request to the server carries HTTP Basic auth, user {@code api}, password the API
 *       key. Signed upload URLs on another host get no credentials (they carry their own).
 *   <li>Runs are created and updated with the GraphQL mutation {@code upsertBucket} at {@code
 *       <base>/graphql}; the configuration travels as a JSON string {@code {"key": {"value": v}}}.
 *   <li>Metrics and the summary are streamed to {@code
 *       <base>/files/<entity>/<project>/<run>/file_stream}.
 *   <li>Files are uploaded by asking GraphQL for signed URLs ({@code model { bucket { files(names)
 *       { uploadHeaders edges { node { name url(upload: true) } } } } }}) and PUTting the bytes.
 * </ul>
 *
 * <p>Transient failures (connection errors, timeouts, HTTP 408, 409, 429 and 5xx) are retried as
 * the {@link RetryPolicy} says, honouring {@code Retry-After}; other 4xx fail at once. A request
 * that cannot be completed throws {@link WandbException}; callers on a training path catch it. The
 * client is thread-safe.
 */
public final class WandbClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WandbClient.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  static final ObjectMapper MAPPER = new ObjectMapper();

  static final String UPSERT_BUCKET =
      "mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String,"
          + " $displayName: String, $config: JSONString, $tags: [String!]) {"
          + " upsertBucket(input: {id: $id, name: $name, modelName: $project,"
          + " entityName: $entity, displayName: $displayName, config: $config, tags: $tags}) {"
          + " bucket { id name displayName project { name entity { name } } } inserted } }";

  static final String VIEWER = "query Viewer { viewer { id entity } }";

  static final String RUN_UPLOAD_URLS =
      "query RunUploadUrls($name: String!, $files: [String]!, $entity: String, $run: String!) {"
          + " model(name: $name, entityName: $entity) { bucket(name: $run) { id"
          + " files(names: $files) { uploadHeaders edges { node { name url(upload: true) } } }"
          + " } } }";

  private final WandbSettings settings;
  private final RetryPolicy retry;
  private final OkHttpClient http;
  private final HttpUrl base;

  /**
   * A client with the default retry policy.
   *
   * @throws IllegalArgumentException if the settings have no API key or the base URL is not a URL
   */
  public WandbClient(WandbSettings settings) {
    this(settings, RetryPolicy.DEFAULT);
  }

  /**
   * A client that retries as {@code retry} says.
   *
   * @throws IllegalArgumentException if the settings have no API key or the base URL is not a URL
   */
  public WandbClient(WandbSettings settings, RetryPolicy retry) {
    if (settings.apiKey() == null) {
      throw new IllegalArgumentException("WandbClient: no API key (set WANDB_API_KEY)");
    }
    this.base = HttpUrl.parse(settings.baseUrl());
    if (base == null) {
      throw new IllegalArgumentException(
          "WandbClient: base URL '" + settings.baseUrl() + "' is not an http(s) URL");
    }
    this.settings = settings;
    this.retry = retry;
    String credentials = Credentials.basic("api", settings.apiKey());
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ofSeconds(60))
            .writeTimeout(Duration.ofSeconds(60))
            .callTimeout(Duration.ofSeconds(120))
            // Retries are ours (with backoff); OkHttp's silent one would double-send file_stream.
            .retryOnConnectionFailure(false)
            .addInterceptor(
                chain -> {
                  Request req = chain.request();
                  if (sameOrigin(req.url())) {
                    req = req.newBuilder().header("Authorization", credentials).build();
                  }
                  return chain.proceed(req);
                })
            .build();
  }

  /** The settings this client was made with. */
  public WandbSettings settings() {
    return settings;
  }

  /**
   * The API key's default entity (user or team), from {@code query Viewer { viewer { entity } }}.
   *
   * @throws WandbException if the server cannot be reached or refuses
   */
  public String viewerEntity() throws WandbException {
    JsonNode data = graphql(VIEWER, Map.of(), "viewer");
    JsonNode entity = data.path("viewer").path("entity");
    if (!entity.isTextual()) {
      throw new WandbException("wandb viewer: the answer has no viewer.entity: " + data, 200, null);
    }
    return entity.asText();
  }

  /**
   * Creates or updates a run with the {@code upsertBucket} mutation.
   *
   * @param bucketId the id a previous upsert returned (to update that run), or null
   * @param entity the entity, or null for the API key's default
   * @param project the project
   * @param runId the run id (W&B's run {@code name})
   * @param displayName the name shown in the UI, or null
   * @param tags the tags, or null to leave them unchanged
   * @param config the configuration, or null to leave it unchanged
   * @return the bucket (run) id to pass to later updates
   * @throws WandbException if the server cannot be reached, refuses, or answers without an id
   */
  public String upsertRun(
      String bucketId,
      String entity,
      String project,
      String runId,
      String displayName,
      List<String> tags,
      Map<String, ?> config)
      throws WandbException {
    Map<String, Object> vars = new LinkedHashMap<>();
    if (bucketId != null) {
      vars.put("id", bucketId);
    }
    vars.put("name", runId);
    vars.put("project", project);
    vars.put("entity", entity);
    if (displayName != null) {
      vars.put("displayName", displayName);
    }
    if (tags != null) {
      vars.put("tags", tags);
    }
    if (config != null) {
      vars.put("config", configJson(config));
    }
    JsonNode data = graphql(UPSERT_BUCKET, vars, "upsertBucket");
    JsonNode id = data.path("upsertBucket").path("bucket").path("id");
    if (!id.isTextual()) {
      throw new WandbException(
          "wandb upsertBucket: the answer has no upsertBucket.bucket.id: " + data, 200, null);
    }
    return id.asText();
  }

  /** The configuration as W&B stores it: a JSON string mapping each key to {@code {"value": v}}. */
  static String configJson(Map<String, ?> config) {
    Map<String, Object> wrapped = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : config.entrySet()) {
      Map<String, Object> value = new LinkedHashMap<>();
      value.put("value", e.getValue());
      wrapped.put(e.getKey(), value);
    }
    try {
      return MAPPER.writeValueAsString(wrapped);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("wandb: configuration is not JSON-serialisable", e);
    }
  }

  /**
   * Posts one file_stream request to {@code <base>/files/<entity>/<project>/<run>/file_stream}.
   *
   * @param payload the JSON body, e.g. {@code {"files": {"wandb-history.jsonl": {"offset": 0,
   *     "content": ["{...}"]}}}} or {@code {"complete": true, "exitcode": 0}}
   * @throws WandbException if the server cannot be reached or refuses
   */
  public void fileStream(String entity, String project, String runId, Map<String, ?> payload)
      throws WandbException {
    HttpUrl url =
        base.newBuilder()
            .addPathSegment("files")
            .addPathSegment(entity)
            .addPathSegment(project)
            .addPathSegment(runId)
            .addPathSegment("file_stream")
            .build();
    Request req = new Request.Builder().url(url).post(jsonBody(payload)).build();
    execute(req, "file_stream");
  }

  /**
   * Signed upload URLs for files of a run (the {@code RunUploadUrls} query).
   *
   * @param names file names inside the run, e.g. {@code media/images/loss_10.png}
   * @return the URL per name and the headers each PUT must carry ({@code "Name:value"})
   * @throws WandbException if the server cannot be reached, refuses, or leaves a name out
   */
  public UploadUrls uploadUrls(String entity, String project, String runId, List<String> names)
      throws WandbException {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("name", project);
    vars.put("entity", entity);
    vars.put("run", runId);
    vars.put("files", names);
    JsonNode data = graphql(RUN_UPLOAD_URLS, vars, "RunUploadUrls");
    JsonNode files = data.path("model").path("bucket").path("files");
    Map<String, String> urls = new LinkedHashMap<>();
    for (JsonNode edge : files.path("edges")) {
      JsonNode node = edge.path("node");
      if (node.path("name").isTextual() && node.path("url").isTextual()) {
        urls.put(node.path("name").asText(), node.path("url").asText());
      }
    }
    for (String n : names) {
      if (!urls.containsKey(n)) {
        throw new WandbException("wandb RunUploadUrls: no upload URL for " + n, 200, null);
      }
    }
    List<String> headers = new ArrayList<>();
    for (JsonNode h : files.path("uploadHeaders")) {
      headers.add(h.asText());
    }
    return new UploadUrls(urls, headers);
  }

  /**
   * Signed upload URLs and the headers each upload must carry.
   *
   * @param urls the URL per file name
   * @param headers headers as {@code "Name:value"} strings
   */
  public record UploadUrls(Map<String, String> urls, List<String> headers) {
    /** Copies the collections. */
    public UploadUrls {
      urls = Map.copyOf(urls);
      headers = List.copyOf(headers);
    }
  }

  /**
   * PUTs {@code bytes} to a signed upload URL.
   *
   * @param headers extra headers as {@code "Name:value"} strings (from {@link UploadUrls})
   * @throws WandbException if the upload cannot be completed
   */
  public void upload(String url, byte[] bytes, String contentType, List<String> headers)
      throws WandbException {
    HttpUrl target = HttpUrl.parse(url);
    if (target == null) {
      throw new WandbException("wandb upload: '" + url + "' is not an http(s) URL", -1, null);
    }
    Request.Builder b =
        new Request.Builder()
            .url(target)
            .put(RequestBody.create(bytes, MediaType.get(contentType)));
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        b.header(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
    }
    execute(b.build(), "upload");
  }

  /** Stops OkHttp's threads and closes idle connections. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private JsonNode graphql(String query, Map<String, ?> variables, String what)
      throws WandbException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", query);
    body.put("variables", variables);
    Request req =
        new Request.Builder()
            .url(base.newBuilder().addPathSegment("graphql").build())
            .post(jsonBody(body))
            .build();
    String text = execute(req, what);
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (IOException e) {
      throw new WandbException("wandb " + what + ": the answer is not JSON", 200, e);
    }
    JsonNode errors = root.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      throw new WandbException("wandb " + what + ": " + errors, 200, null);
    }
    return root.path("data");
  }

  private static RequestBody jsonBody(Object body) {
    try {
      return RequestBody.create(MAPPER.writeValueAsBytes(body), JSON);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("wandb: request body is not JSON-serialisable", e);
    }
  }

  /** Whether an HTTP status is worth retrying: the server was busy or failing, not refusing. */
  static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  /** Sends {@code req}, retrying transient failures; returns the body of the 2xx answer. */
  private String execute(Request req, String what) throws WandbException {
    long start = System.nanoTime();
    long totalMillis = retry.total().toMillis();
    int attempt = 0;
    while (true) {
      attempt++;
      int status = -1;
      long retryAfter = -1;
      IOException failure = null;
      try (Response resp = http.newCall(req).execute()) {
        status = resp.code();
        ResponseBody body = resp.body();
        String text = body == null ? "" : body.string();
        if (resp.isSuccessful()) {
          return text;
        }
        if (!retryable(status)) {
          throw new WandbException(
              "wandb " + what + ": HTTP " + status + " " + abbreviate(text), status, null);
        }
        retryAfter = retryAfterMillis(resp.header("Retry-After"));
      } catch (WandbException e) {
        throw e;
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new WandbException("wandb " + what + ": interrupted", -1, e);
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      long delay = retry.delayMillis(attempt, retryAfter);
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      String reason = failure != null ? failure.toString() : "HTTP " + status;
      if (elapsed + delay > totalMillis) {
        throw new WandbException(
            "wandb " + what + ": gave up after " + attempt + " attempts (" + reason + ")",
            status,
            failure);
      }
      LOG.debug("wandb {}: {}; retry {} in {} ms", what, reason, attempt, delay);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WandbException("wandb " + what + ": interrupted", status, failure);
      }
    }
  }

  /** {@code Retry-After} in seconds (an HTTP date is rare from W&B and treated as absent). */
  private static long retryAfterMillis(String header) {
    if (header == null) {
      return -1;
    }
    try {
      double seconds = Double.parseDouble(header.trim());
      return seconds < 0 ? -1 : (long) Math.ceil(seconds * 1000);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private boolean sameOrigin(HttpUrl url) {
    return url.scheme().equals(base.scheme())
        && url.host().equals(base.host())
        && url.port() == base.port();
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
