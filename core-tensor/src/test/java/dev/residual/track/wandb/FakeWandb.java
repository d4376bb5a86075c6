package dev.residual.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A W&B server on loopback that answers the way the real one does for the calls Residual makes,
 * records every request, and can be told to fail the next requests of a kind.
 */
final class FakeWandb extends Dispatcher implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUCKET_ID = "UnVuOnYxOnJ1bjE=";

  /** One request as the server saw it. */
  record Seen(
      String method,
      String path,
      String auth,
      String body,
      byte[] raw,
      long nanos,
      List<String> hdr) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    boolean isFileStream() {
      return path.endsWith("/file_stream");
    }

    boolean isGraphql(String op) {
      return path.equals("/graphql") && body.contains(op);
    }
  }

  final MockWebServer server = new MockWebServer();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Deque<MockResponse> fileStreamFailures = new ArrayDeque<>();
  private final Deque<MockResponse> graphqlFailures = new ArrayDeque<>();

  FakeWandb() throws IOException {
    server.setDispatcher(this);
    server.start();
  }

  String baseUrl() {
    String u = server.url("/").toString();
    return u.substring(0, u.length() - 1);
  }

  synchronized void failFileStream(MockResponse r) {
    fileStreamFailures.add(r);
  }

  synchronized void failGraphql(MockResponse r) {
    graphqlFailures.add(r);
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("{\"error\":\"scripted\"}").build();
  }

  @Override
  public MockResponse dispatch(RecordedRequest req) {
    String body = req.getBody() == null ? "" : req.getBody().utf8();
    List<String> hdr = new ArrayList<>();
    for (int i = 0; i < req.getHeaders().size(); i++) {
      hdr.add(req.getHeaders().name(i) + ":" + req.getHeaders().value(i));
    }
    String path = req.getUrl().encodedPath();
    seen.add(
        new Seen(
            req.getMethod(),
            path,
            req.getHeaders().get("Authorization"),
            body,
            req.getBody() == null ? new byte[0] : req.getBody().toByteArray(),
            System.nanoTime(),
            hdr));
    synchronized (this) {
      if (path.endsWith("/file_stream") && !fileStreamFailures.isEmpty()) {
        return fileStreamFailures.poll();
      }
      if (path.equals("/graphql") && !graphqlFailures.isEmpty()) {
        return graphqlFailures.poll();
      }
    }
    if (path.equals("/graphql")) {
      return ok(graphql(body));
    }
    if (path.endsWith("/file_stream")) {
      return ok("{\"exitcode\": null, \"limits\": {}}");
    }
    if (path.startsWith("/upload/") && req.getMethod().equals("PUT")) {
      return ok("");
    }
    return status(404);
  }

  private String graphql(String body) {
    try {
      JsonNode q = JSON.readTree(body);
      String query = q.path("query").asText();
      JsonNode vars = q.path("variables");
      ObjectNode data = JSON.createObjectNode();
      if (query.contains("upsertBucket")) {
        ObjectNode bucket = data.putObject("upsertBucket").putObject("bucket");
        bucket.put("id", BUCKET_ID);
        bucket.put("name", vars.path("name").asText());
        bucket.put("displayName", vars.path("displayName").asText());
        ObjectNode project = bucket.putObject("project");
        project.put("name", vars.path("project").asText());
        project.putObject("entity").put("name", vars.path("entity").asText());
      } else if (query.contains("viewer")) {
        data.putObject("viewer").put("entity", "alice");
      } else if (query.contains("RunUploadUrls")) {
        ObjectNode files =
            data.putObject("model").putObject("bucket").put("id", BUCKET_ID).putObject("files");
        files.putArray("uploadHeaders").add("X-Upload-Token:t0k");
        ArrayNode edges = files.putArray("edges");
        for (JsonNode n : vars.path("files")) {
          ObjectNode node = edges.addObject().putObject("node");
          node.put("name", n.asText());
          node.put("url", server.url("/upload/" + n.asText()).toString());
        }
      } else {
        return "{\"errors\": [{\"message\": \"unknown query\"}]}";
      }
      ObjectNode root = JSON.createObjectNode();
      root.set("data", data);
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static MockResponse ok(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  List<Seen> fileStreams() {
    return seen.stream().filter(Seen::isFileStream).toList();
  }

  List<Seen> matching(Predicate<Seen> p) {
    return seen.stream().filter(p).toList();
  }

  /** Waits until {@code p} holds, failing after {@code timeout}. */
  static void await(Duration timeout, java.util.function.BooleanSupplier p)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!p.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
