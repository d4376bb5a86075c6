package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private Run start(Sink... extra) {
    RunOptions.Builder b =
        RunOptions.builder()
            .project("proj")
            .name("test-run")
            .tags("a", "b")
            .rootDir(root)
            .console(false)
            .env(Map.of());
    for (Sink s : extra) {
      b.sink(s);
    }
    return Runs.start(b.build());
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  record Settings(int steps, double lr, String optimizer, Nested nested) {}

  record Nested(boolean flag) {}

  enum Kind {
    MLP
  }

  @Test
  void configSummaryAndMetricsFilesHoldWhatWasLogged() throws Exception {
    Path dir;
    try (Run run = start()) {
      dir = run.dir();
      run.config(new Settings(10, 0.5, "sgd", new Nested(true)));
      run.config(Map.of("model", Kind.MLP));
      run.log(1, Map.of("loss", 2.5));
      run.log(2, Map.of("loss", 1.25, "acc", 3));
      run.log(3, Map.of("loss", Double.NaN));
      run.summary("best", 0.75);
      run.summary("best", 0.8);
      run.summary("note", "done");
    }
    JsonNode config = JSON.readTree(dir.resolve("config.json").toFile());
    assertEquals(10, config.get("steps").asInt());
    assertEquals(0.5, config.get("lr").asDouble());
    assertEquals("sgd", config.get("optimizer").asText());
    assertTrue(config.get("nested").get("flag").asBoolean());
    assertEquals("MLP", config.get("model").asText());

    List<JsonNode> m = lines(dir.resolve("metrics.jsonl"));
    assertEquals(3, m.size());
    assertEquals(1, m.get(0).get("_step").asLong());
    assertEquals(2.5, m.get(0).get("loss").asDouble());
    assertEquals(3, m.get(1).get("acc").asInt());
    assertEquals("NaN", m.get(2).get("loss").asText());
    double ts = m.get(0).get("_timestamp").asDouble();
    assertTrue(Math.abs(ts - System.currentTimeMillis() / 1000.0) < 60, "seconds since epoch");

    JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
    assertEquals(0.8, summary.get("best").asDouble());
    assertEquals("done", summary.get("note").asText());

    JsonNode runJson = JSON.readTree(dir.resolve("run.json").toFile());
    assertEquals("finished", runJson.get("state").asText());
    assertEquals(0, runJson.get("exitCode").asInt());
    assertEquals("test-run", runJson.get("name").asText());
    assertEquals("proj", runJson.get("project").asText());
    assertEquals("b", runJson.get("tags").get(1).asText());

    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("\"loss\""));
    assertTrue(html.contains("\"acc\""));
    assertTrue(html.contains("test-run"));
    assertFalse(html.contains("<script src"), "no external scripts");
    assertFalse(
        html.contains("http://")
            && html.replace("http://www.w3.org/2000/svg", "").contains("http://"));
    assertFalse(html.contains("https://"));
  }

  @Test
  void imagesAreWrittenAsPngAndReferencedInTheReport() throws Exception {
    Path dir;
    try (Run run = start()) {
      dir = run.dir();
      BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
      img.setRGB(1, 2, 0xff0000);
      run.logImage(7, "samples/grid", img);
      float[] v = new float[3 * 2 * 2];
      v[0] = 1; // red channel of pixel (0, 0)
      v[4 + 3] = 2; // green of pixel (1, 1), clamped to 1
      run.logImage(8, "rgb", Tensor.of(v, 3, 2, 2));
      run.logImage(9, "grey", Tensor.of(new float[] {0, 0.5f, 1, 0}, 2, 2));
    }
    Path a = dir.resolve("media/samples_grid_7.png");
    BufferedImage read = ImageIO.read(a.toFile());
    assertEquals(5, read.getWidth());
    assertEquals(0xff0000, read.getRGB(1, 2) & 0xffffff);
    BufferedImage rgb = ImageIO.read(dir.resolve("media/rgb_8.png").toFile());
    assertEquals(0xff0000, rgb.getRGB(0, 0) & 0xffffff);
    assertEquals(0x00ff00, rgb.getRGB(1, 1) & 0xffffff);
    BufferedImage grey = ImageIO.read(dir.resolve("media/grey_9.png").toFile());
    assertEquals(0x808080, grey.getRGB(1, 0) & 0xffffff);
    assertEquals(0xffffff, grey.getRGB(0, 1) & 0xffffff);
    String html = Files.readString(dir.resolve("index.html"));
    assertTrue(html.contains("media/samples_grid_7.png"));
    assertTrue(html.contains("media/rgb_8.png"));
    assertTrue(html.contains("media/grey_9.png"));
  }

  @Test
  void imageTensorWithWrongShapeOrDtypeIsRejected() {
    try (Run run = start()) {
      var e1 =
          assertThrows(
              IllegalArgumentException.class,
              () -> run.logImage(1, "x", Tensor.of(new float[8], 2, 2, 2)));
      assertTrue(e1.getMessage().contains("[2, 2, 2]"), e1.getMessage());
      var e2 =
          assertThrows(
              IllegalArgumentException.class,
              () -> run.logImage(1, "x", Tensor.of(new long[] {1, 2, 3, 4}, 2, 2)));
      assertTrue(e2.getMessage().contains("INT64"), e2.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> run.logImage(1, "x", Tensor.of(new float[4], 4)));
      assertThrows(
          IllegalArgumentException.class,
          () -> run.logImage(1, "", new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)));
    }
  }

  @Test
  void severalThreadsLoggingAllReachTheFileInOnePiece() throws Exception {
    int threads = 4;
    int perThread = 500;
    Path dir;
    try (Run run = start()) {
      dir = run.dir();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread th =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < perThread; i++) {
                    run.log(id * perThread + i, Map.of("thread", id, "i", i));
                  }
                });
        th.start();
        ts.add(th);
      }
      go.countDown();
      for (Thread th : ts) {
        th.join();
      }
    }
    List<JsonNode> m = lines(dir.resolve("metrics.jsonl"));
    assertEquals(threads * perThread, m.size());
    Set<Long> steps = new HashSet<>();
    int[] lastI = new int[threads];
    java.util.Arrays.fill(lastI, -1);
    for (JsonNode n : m) {
      steps.add(n.get("_step").asLong());
      int t = n.get("thread").asInt();
      int i = n.get("i").asInt();
      assertTrue(i > lastI[t], "each thread's records stay in order");
      lastI[t] = i;
    }
    assertEquals(threads * perThread, steps.size());
  }

  /** A sink that records every call. */
  static class RecordingSink implements Sink {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void start(RunInfo run, Map<String, Object> config) {
      calls.add("start " + config);
    }

    @Override
    public void config(Map<String, Object> config) {
      calls.add("config " + config);
    }

    @Override
    public void log(long step, Map<String, Number> metrics, long timestampMillis) {
      calls.add("log " + step + " " + metrics);
    }

    @Override
    public void image(long step, String key, Path png, long timestampMillis) {
      calls.add("image " + step + " " + key + " " + Files.exists(png));
    }

    @Override
    public void summary(Map<String, Object> summary) {
      calls.add("summary " + summary);
    }

    @Override
    public void finish(int exitCode) {
      calls.add("finish " + exitCode);
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }

  /** A sink that fails on its second log call. */
  static final class FailingSink implements Sink {
    final AtomicInteger logs = new AtomicInteger();
    volatile boolean closed;

    @Override
    public void start(RunInfo run, Map<String, Object> config) {}

    @Override
    public void config(Map<String, Object> config) {}

    @Override
    public void log(long step, Map<String, Number> metrics, long timestampMillis) {
      if (logs.incrementAndGet() == 2) {
        throw new IllegalStateException("boom (expected by the test)");
      }
    }

    @Override
    public void image(long step, String key, Path png, long timestampMillis) {}

    @Override
    public void summary(Map<String, Object> summary) {}

    @Override
    public void finish(int exitCode) {
      throw new AssertionError("a removed sink must not be finished");
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void sinksSeeEveryRecordInOrder() {
    RecordingSink sink = new RecordingSink();
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("x", 1);
    Run run =
        Runs.start(
            RunOptions.builder()
                .project("p")
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .config(cfg)
                .sink(sink)
                .build());
    run.config(Map.of("y", 2));
    run.log(1, Map.of("loss", 1.0));
    run.logImage(1, "img", new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB));
    run.summary("s", 3);
    run.finish(2);
    assertEquals(
        List.of(
            "start {x=1}",
            "config {y=2}",
            "log 1 {loss=1.0}",
            "image 1 img true",
            "summary {s=3}",
            "finish 2",
            "close"),
        sink.calls);
  }

  @Test
  void aThrowingSinkIsRemovedAndTheOthersCarryOn() throws Exception {
    FailingSink bad = new FailingSink();
    RecordingSink good = new RecordingSink();
    Path dir;
    try (Run run = start(bad, good)) {
      dir = run.dir();
      for (int i = 0; i < 5; i++) {
        run.log(i, Map.of("v", i));
      }
    }
    assertEquals(2, bad.logs.get(), "no calls after the failure");
    assertTrue(bad.closed);
    assertEquals(5, good.calls.stream().filter(c -> c.startsWith("log")).count());
    assertEquals(5, lines(dir.resolve("metrics.jsonl")).size());
  }

  @Test
  void finishIsIdempotentAndLaterCallsAreRefused() throws Exception {
    RecordingSink sink = new RecordingSink();
    Run run = start(sink);
    run.log(0, Map.of("a", 1));
    run.finish(3);
    run.finish(0);
    run.close();
    assertTrue(run.isFinished());
    assertEquals(1, sink.calls.stream().filter(c -> c.startsWith("finish")).count());
    assertEquals(1, sink.calls.stream().filter(c -> c.equals("close")).count());
    JsonNode runJson = JSON.readTree(run.dir().resolve("run.json").toFile());
    assertEquals("crashed", runJson.get("state").asText());
    assertEquals(3, runJson.get("exitCode").asInt());
    var e = assertThrows(IllegalStateException.class, () -> run.log(1, Map.of("a", 2)));
    assertTrue(e.getMessage().contains(run.id()));
    assertThrows(IllegalStateException.class, () -> run.summary("k", 1));
    assertThrows(IllegalStateException.class, () -> run.config(Map.of("k", 1)));
  }

  @Test
  void nullMetricValueIsRejected() {
    try (Run run = start()) {
      Map<String, Number> m = new LinkedHashMap<>();
      m.put("loss", null);
      var e = assertThrows(IllegalArgumentException.class, () -> run.log(0, m));
      assertTrue(e.getMessage().startsWith("log:"), e.getMessage());
    }
  }

  @Test
  void reportIsRewrittenWhileRunning() throws Exception {
    Run run =
        Runs.start(
            RunOptions.builder()
                .project("p")
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .reportInterval(Duration.ZERO)
                .build());
    try {
      run.log(1, Map.of("early_metric", 1.0));
      Path html = run.dir().resolve("index.html");
      long deadline = System.currentTimeMillis() + 5000;
      while (!(Files.exists(html) && Files.readString(html).contains("early_metric"))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.readString(html).contains("early_metric"));
      assertTrue(Files.readString(run.dir().resolve("run.json")).contains("running"));
    } finally {
      run.finish(0);
    }
  }

  /** A sink whose log calls wait for {@link #release}; counts the calls. */
  static final class BlockingSink extends RecordingSink {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger logs = new AtomicInteger();

    @Override
    public void log(long step, Map<String, Number> metrics, long timestampMillis) {
      logs.incrementAndGet();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void aFullQueueMakesLogWaitBrieflyThenDropTheRecord() {
    BlockingSink slow = new BlockingSink();
    Run run =
        Runs.start(
            RunOptions.builder()
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .queueCapacity(1)
                .sink(slow)
                .build());
    run.log(0, Map.of("a", 0));
    long deadline = System.currentTimeMillis() + 5000;
    while (slow.logs.get() == 0 && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    run.log(1, Map.of("a", 1)); // fills the queue
    long t0 = System.nanoTime();
    run.log(2, Map.of("a", 2)); // no room: waits about a second, then is dropped
    double waited = (System.nanoTime() - t0) / 1e9;
    assertTrue(waited >= 0.9 && waited < 5, "waited " + waited + " s");
    slow.release.countDown();
    run.finish(0);
    assertEquals(2, slow.logs.get(), "the dropped record never reached the sink");
  }

  @Test
  void finishGivesUpOnASinkThatHangs() {
    BlockingSink hung = new BlockingSink();
    Run run =
        Runs.start(
            RunOptions.builder()
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .finishTimeout(Duration.ofMillis(300))
                .sink(hung)
                .build());
    run.log(0, Map.of("a", 0));
    long t0 = System.nanoTime();
    run.finish(0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(seconds < 3, "finish took " + seconds + " s");
    assertTrue(run.isFinished());
  }
}
