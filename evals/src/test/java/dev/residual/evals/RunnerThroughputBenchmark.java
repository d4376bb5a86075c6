package dev.residual.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.residual.evals.log.EvalLog;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelException;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.StopReason;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Throughput of {@link EvalRunner} against a loopback MockWebServer that answers every request with
 * a fixed OpenAI-shaped chat completion after {@code latencyMs} of delay. With {@code c}
 * connections and latency {@code L}, the ceiling is {@code c / L} samples/s (640/s for 32 at 50
 * ms).
 *
 * <p>Run: {@code java ... dev.residual.evals.RunnerThroughputBenchmark [samples] [connections]
 * [latencyMs]} (defaults 2000, 32, 50). A main class, not a timed unit test, since timings on a
 * shared machine vary.
 */
public final class RunnerThroughputBenchmark {
  static final String COMPLETION =
      "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
          + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"4\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":1,\"total_tokens\":13}}";

  private RunnerThroughputBenchmark() {}

  /** The result of one benchmark run. */
  record Result(
      int samples,
      int connections,
      double seconds,
      double samplesPerSecond,
      long requests,
      EvalLog log) {}

  /**
   * A minimal OpenAI-shaped chat model for the benchmark: one POST per call, no retries. The
   * client's connection pool keeps {@code connections} idle connections so none is reopened, and
   * its dispatcher allows that many requests per host (the default is 5, which would cap async
   * use).
   */
  static final class HttpChatModel implements ChatModel {
    private static final MediaType JSON = MediaType.get("application/json");
    private final ObjectMapper mapper = new ObjectMapper();
    private final OkHttpClient client;
    private final HttpUrl url;

    HttpChatModel(HttpUrl url, int connections) {
      this.url = url;
      okhttp3.Dispatcher d = new okhttp3.Dispatcher();
      d.setMaxRequests(Math.max(64, connections));
      d.setMaxRequestsPerHost(Math.max(64, connections));
      this.client =
          new OkHttpClient.Builder()
              .dispatcher(d)
              .connectionPool(new ConnectionPool(connections, 5, TimeUnit.MINUTES))
              .build();
    }

    @Override
    public String name() {
      return "bench/mock";
    }

    @Override
    public ModelOutput generate(
        List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
      ObjectNode body = mapper.createObjectNode().put("model", "gpt-4o-mini");
      ArrayNode ms = body.putArray("messages");
      for (ChatMessage m : messages) {
        ms.addObject().put("role", m.role()).put("content", m.text());
      }
      Request req =
          new Request.Builder().url(url).post(RequestBody.create(body.toString(), JSON)).build();
      try (Response r = client.newCall(req).execute()) {
        String text = r.body().string();
        if (!r.isSuccessful()) {
          throw new ModelException("bench: HTTP " + r.code(), r.code(), false, null);
        }
        JsonNode j = mapper.readTree(text);
        JsonNode u = j.path("usage");
        return new ModelOutput(
            name(),
            ChatMessage.assistant(
                j.path("choices").path(0).path("message").path("content").asText()),
            StopReason.STOP,
            new TokenUsage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong()));
      } catch (IOException e) {
        throw new ModelException("bench: " + e.getMessage(), 0, true, e);
      }
    }

    void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /**
   * Server sockets whose accepted connections have Nagle's algorithm off. MockWebServer flushes the
   * response headers and then writes the body; with Nagle on, the body waits for the client's
   * delayed ACK of the headers (about 40 ms on Linux loopback), which would measure TCP rather than
   * the runner. Real API servers disable Nagle too.
   */
  static final class NoDelayServerSocketFactory extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new NoDelayServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      ServerSocket s = new NoDelayServerSocket();
      s.bind(new InetSocketAddress(port));
      return s;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
      ServerSocket s = new NoDelayServerSocket();
      s.bind(new InetSocketAddress(port), backlog);
      return s;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress addr)
        throws IOException {
      ServerSocket s = new NoDelayServerSocket();
      s.bind(new InetSocketAddress(addr, port), backlog);
      return s;
    }
  }

  /** A server socket that sets TCP_NODELAY on every accepted socket. */
  static final class NoDelayServerSocket extends ServerSocket {
    NoDelayServerSocket() throws IOException {
      super();
    }

    @Override
    public Socket accept() throws IOException {
      Socket s = new Socket();
      implAccept(s);
      s.setTcpNoDelay(true);
      return s;
    }
  }

  /** Runs {@code samples} samples at {@code connections} concurrent connections. */
  static Result run(int samples, int connections, long latencyMs) throws IOException {
    return run(samples, connections, latencyMs, null);
  }

  /**
   * Runs {@code samples} samples at {@code connections} concurrent connections, journaling and
   * logging to {@code logPath} when it is not null (a fresh path: an existing journal resumes).
   */
  static Result run(int samples, int connections, long latencyMs, Path logPath) throws IOException {
    try (MockWebServer server = new MockWebServer()) {
      MockResponse response =
          new MockResponse.Builder()
              .code(200)
              .addHeader("Content-Type", "application/json")
              .body(COMPLETION)
              .headersDelay(latencyMs, TimeUnit.MILLISECONDS)
              .build();
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              return response;
            }
          });
      server.setServerSocketFactory(new NoDelayServerSocketFactory());
      server.start();
      HttpChatModel model = new HttpChatModel(server.url("/v1/chat/completions"), connections);
      Task.Builder b =
          Task.builder("throughput")
              .scorer("exact", st -> Score.of(st.completion().equals(st.targets().get(0)), null));
      for (int i = 0; i < samples; i++) {
        b.sample(Sample.of("s" + i, "2+2", "4"));
      }
      Task task = b.build();
      EvalRunner runner =
          EvalRunner.builder(model)
              .maxConnections(connections)
              .progress(false)
              .logPath(logPath)
              .build();
      long t0 = System.nanoTime();
      EvalLog log = runner.run(task);
      double s = (System.nanoTime() - t0) / 1e9;
      model.close();
      return new Result(samples, connections, s, samples / s, server.getRequestCount(), log);
    }
  }

  /**
   * The runner alone: a model that sleeps {@code latencyMs} instead of calling a server, to
   * separate the runner's overhead from the HTTP stack's CPU cost.
   */
  static double runSleeping(int samples, int connections, long latencyMs) {
    ChatModel model =
        new ChatModel() {
          @Override
          public String name() {
            return "bench/sleep";
          }

          @Override
          public ModelOutput generate(
              List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
            try {
              Thread.sleep(latencyMs);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new ModelOutput(name(), ChatMessage.assistant("4"), StopReason.STOP, null);
          }
        };
    Task.Builder b =
        Task.builder("throughput")
            .scorer("exact", st -> Score.of(st.completion().equals(st.targets().get(0)), null));
    for (int i = 0; i < samples; i++) {
      b.sample(Sample.of("s" + i, "2+2", "4"));
    }
    EvalRunner runner =
        EvalRunner.builder(model).maxConnections(connections).progress(false).build();
    long t0 = System.nanoTime();
    runner.run(b.build());
    return samples / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * {@code [samples] [connections] [latencyMs]}: runs a full-size warm-up (JIT), then the measured
   * run against the mock server, the same with a journal and log file, and the same with a sleeping
   * model (no HTTP) for comparison.
   */
  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int c = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 50;
    run(n, c, latency); // warm-up: class loading and JIT
    runSleeping(n, c, latency);
    Result r = run(n, c, latency);
    double ceiling = c * 1000.0 / latency;
    System.out.printf(
        Locale.ROOT,
        "%d samples, %d connections, %d ms latency: %.2f s, %.1f samples/s (%.1f%% of %.0f),"
            + " status %s, accuracy %.3f%n",
        r.samples(),
        c,
        latency,
        r.seconds(),
        r.samplesPerSecond(),
        100 * r.samplesPerSecond() / ceiling,
        ceiling,
        r.log().status(),
        r.log().metrics().get("exact").overall().accuracy());
    Path dir = Files.createTempDirectory("evals-bench");
    Result j = run(n, c, latency, dir.resolve("log.json"));
    System.out.printf(
        Locale.ROOT,
        "same with a journal and log file: %.1f samples/s (%.1f%% of %.0f)%n",
        j.samplesPerSecond(),
        100 * j.samplesPerSecond() / ceiling,
        ceiling);
    double sleeping = runSleeping(n, c, latency);
    System.out.printf(
        Locale.ROOT,
        "same without HTTP (model sleeps %d ms): %.1f samples/s (%.1f%% of %.0f)%n",
        latency,
        sleeping,
        100 * sleeping / ceiling,
        ceiling);
  }
}
