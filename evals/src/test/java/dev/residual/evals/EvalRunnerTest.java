package dev.residual.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.evals.log.EvalLog;
import dev.residual.evals.log.EvalLogs;
import dev.residual.evals.log.EvalSample;
import dev.residual.evals.metrics.MetricSet;
import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.ChatModel;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.StopReason;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalRunnerTest {
  /** A model answering with {@code reply(lastUserText)}, 3 input and 1 output token per call. */
  static ChatModel model(String name, Function<String, String> reply) {
    return new ChatModel() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ModelOutput generate(
          List<ChatMessage> messages, GenerateConfig config, List<ToolDef> tools) {
        String q = messages.get(messages.size() - 1).text();
        return new ModelOutput(
            name, ChatMessage.assistant(reply.apply(q)), StopReason.STOP, new TokenUsage(3, 1));
      }
    };
  }

  /** Echoes the question's answer: "2+3" → "5"; odd answers are wrong on purpose when asked. */
  static String add(String q) {
    String[] p = q.split("\\+");
    return Integer.toString(Integer.parseInt(p[0]) + Integer.parseInt(p[1]));
  }

  static Scorer exact() {
    return st -> Score.of(st.completion().trim().equals(st.targets().get(0)), st.completion());
  }

  static Task additionTask(int n, int epochs) {
    Task.Builder b = Task.builder("add").scorer("exact", exact()).epochs(epochs, EpochReducer.MEAN);
    for (int i = 0; i < n; i++) {
      Sample s =
          new Sample(
              List.of(ChatMessage.user(i + "+" + i)),
              List.of(),
              List.of(Integer.toString(2 * i)),
              "s" + i,
              Map.of("category", i % 2 == 0 ? "even" : "odd"));
      b.sample(s);
    }
    return b.build();
  }

  @Test
  void runsSolversScoresAndAggregatesPerGroup() {
    // wrong on i = 1 and 3 (odd), right on the rest
    ChatModel m = model("test/m", q -> q.startsWith("1+") || q.startsWith("3+") ? "0" : add(q));
    EvalLog log =
        EvalRunner.builder(m)
            .maxConnections(3)
            .progress(false)
            .groupBy("category")
            .build()
            .run(additionTask(6, 1));
    assertEquals(EvalLog.Status.SUCCESS, log.status());
    assertEquals("test/m", log.model());
    assertEquals(6, log.samples().size());
    assertEquals(List.of("generate"), log.spec().solvers());
    assertEquals(List.of("exact"), log.spec().scorers());
    EvalSample s2 = log.samples().get(2);
    assertEquals("s2", s2.id());
    assertEquals("4", s2.output());
    assertEquals(2, s2.messages().size());
    assertEquals("assistant", s2.messages().get(1).role());
    assertEquals(new TokenUsage(3, 1), s2.usage());
    assertEquals(new TokenUsage(18, 6), log.usage());
    MetricSet all = log.metrics().get("exact").overall();
    assertEquals(6, all.n());
    assertEquals(4.0 / 6, all.accuracy(), 1e-12);
    // values 1,0,1,0,1,1: mean 2/3; squared deviations 4 * 1/9 + 2 * 4/9 = 12/9; var 12/45
    assertEquals(Math.sqrt(12.0 / 45) / Math.sqrt(6), all.stderr(), 1e-12);
    assertEquals(1.0, log.metrics().get("exact").groups().get("even").accuracy(), 1e-12);
    assertEquals(1.0 / 3, log.metrics().get("exact").groups().get("odd").accuracy(), 1e-12);
    assertEquals(3, log.metrics().get("exact").groups().get("odd").n());
  }

  @Test
  void solverChainStopsWhenCompleteAndSeesTheConfig() {
    GenerateConfig cfg = GenerateConfig.builder().temperature(0.0).build();
    List<GenerateConfig> seen = new ArrayList<>();
    ChatModel m =
        new ChatModel() {
          @Override
          public String name() {
            return "cfg";
          }

          @Override
          public synchronized ModelOutput generate(
              List<ChatMessage> ms, GenerateConfig c, List<ToolDef> tools) {
            seen.add(c);
            return new ModelOutput("cfg", ChatMessage.assistant("x"), null, null);
          }
        };
    Solver system =
        (st, g) -> {
          st.messages().add(0, ChatMessage.system("be brief"));
          return st;
        };
    Solver stop =
        (st, g) -> {
          g.generate(st);
          st.complete();
          return st;
        };
    Solver never =
        (st, g) -> {
          throw new AssertionError("must not run after complete()");
        };
    Task t =
        Task.builder("chain")
            .sample(Sample.of("a", "hi", "x"))
            .solver(system, stop, never)
            .scorer("exact", exact())
            .config(cfg)
            .build();
    EvalLog log = EvalRunner.builder(m).progress(false).build().run(t);
    assertEquals(List.of(cfg), seen);
    assertEquals("system", log.samples().get(0).messages().get(0).role());
    assertEquals("C", log.samples().get(0).scores().get("exact").value());
  }

  @Test
  void epochsAreReducedPerSample() {
    AtomicInteger calls = new AtomicInteger();
    // Synchronised so epoch parity is decided by call order with one connection.
    ChatModel m = model("flaky", q -> calls.getAndIncrement() % 2 == 0 ? add(q) : "wrong");
    EvalLog log =
        EvalRunner.builder(m).maxConnections(1).progress(false).build().run(additionTask(2, 2));
    assertEquals(4, log.samples().size());
    assertEquals(2, log.reductions().size());
    // each sample right in one of its two epochs: MEAN gives 0.5
    assertEquals(0.5, log.reductions().get(0).scores().get("exact").asDouble(), 1e-12);
    assertEquals(0.5, log.metrics().get("exact").overall().accuracy(), 1e-12);
    assertEquals(2, log.metrics().get("exact").overall().n());
  }

  @Test
  void aSampleErrorIsRecordedNotFatal() {
    ChatModel m =
        model(
            "err",
            q -> {
              if (q.startsWith("2+")) {
                throw new IllegalStateException("provider said no");
              }
              return add(q);
            });
    EvalLog log = EvalRunner.builder(m).progress(false).build().run(additionTask(4, 1));
    assertEquals(EvalLog.Status.ERROR, log.status());
    assertEquals(1, log.errors());
    EvalSample bad = log.samples().get(2);
    assertEquals("java.lang.IllegalStateException: provider said no", bad.error());
    assertTrue(bad.scores().isEmpty());
    assertNull(log.samples().get(1).error());
    // metrics over the 3 samples that ran
    assertEquals(3, log.metrics().get("exact").overall().n());
    assertEquals(1.0, log.metrics().get("exact").overall().accuracy(), 1e-12);
  }

  @Test
  void aScorerErrorIsRecordedToo() {
    Task t =
        Task.builder("t")
            .sample(Sample.of("a", "1+1", "2"))
            .scorer(
                "boom",
                st -> {
                  throw new IllegalArgumentException("bad target");
                })
            .build();
    EvalLog log =
        EvalRunner.builder(model("m", EvalRunnerTest::add)).progress(false).build().run(t);
    assertTrue(log.samples().get(0).error().contains("bad target"));
    assertEquals(0, log.metrics().get("boom").overall().n());
  }

  @Test
  void samplesRunConcurrentlyUpToTheConnectionLimit() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    ChatModel m =
        model(
            "slow",
            q -> {
              int now = inFlight.incrementAndGet();
              peak.accumulateAndGet(now, Math::max);
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              inFlight.decrementAndGet();
              return add(q);
            });
    long t0 = System.nanoTime();
    EvalLog log =
        EvalRunner.builder(m).maxConnections(4).progress(false).build().run(additionTask(16, 1));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(EvalLog.Status.SUCCESS, log.status());
    assertEquals(4, peak.get());
    // 16 calls of 100 ms serially take 1.6 s; four at a time about 0.4 s
    assertTrue(ms < 1200, "took " + ms + " ms");
  }

  /** Thrown by a model to simulate the process being killed. */
  static final class Kill extends Error {
    Kill() {
      super("killed");
    }
  }

  @Test
  void aKilledRunResumesToTheSameLog(@TempDir Path dir) throws Exception {
    Path full = dir.resolve("full/log.json");
    Task task = additionTask(10, 2);
    EvalLog uninterrupted =
        EvalRunner.builder(model("m", EvalRunnerTest::add))
            .maxConnections(3)
            .progress(false)
            .groupBy("category")
            .build()
            .run(task);

    Path path = dir.resolve("resumed/log.json");
    AtomicInteger calls = new AtomicInteger();
    ChatModel dying =
        model(
            "m",
            q -> {
              if (calls.incrementAndGet() > 7) {
                throw new Kill();
              }
              return add(q);
            });
    EvalRunner first =
        EvalRunner.builder(dying)
            .logPath(path)
            .maxConnections(3)
            .progress(false)
            .groupBy("category")
            .build();
    assertThrows(Kill.class, () -> first.run(task));
    EvalLog partial = EvalLogs.read(path);
    assertEquals(EvalLog.Status.CANCELLED, partial.status());
    int finished = partial.samples().size();
    assertTrue(finished >= 1 && finished <= 7, "finished " + finished);
    // a kill mid-write leaves a partial last line; it must be ignored
    Files.writeString(
        EvalRunner.journalPath(path), "{\"id\":\"s9\",\"ep", StandardOpenOption.APPEND);

    AtomicInteger resumedCalls = new AtomicInteger();
    ChatModel healthy =
        model(
            "m",
            q -> {
              resumedCalls.incrementAndGet();
              return add(q);
            });
    EvalLog resumed =
        EvalRunner.builder(healthy)
            .logPath(path)
            .maxConnections(3)
            .progress(false)
            .groupBy("category")
            .build()
            .run(task);
    assertEquals(20 - finished, resumedCalls.get());
    assertEquals(partial.runId(), resumed.runId());
    assertEquals(EvalLog.Status.SUCCESS, resumed.status());
    EvalLog a = withRunId(uninterrupted.withoutTimings(), resumed.runId());
    assertEquals(a, resumed.withoutTimings());
    assertEquals(resumed.withoutTimings(), EvalLogs.read(path).withoutTimings());

    // a finished run reruns from its journal without calling the model
    EvalLog again =
        EvalRunner.builder(
                model(
                    "m",
                    q -> {
                      throw new AssertionError("no calls");
                    }))
            .logPath(path)
            .progress(false)
            .groupBy("category")
            .build()
            .run(task);
    assertEquals(resumed.withoutTimings(), again.withoutTimings());
    assertNotNull(full);
  }

  private static EvalLog withRunId(EvalLog l, String id) {
    return new EvalLog(
        l.version(),
        id,
        l.status(),
        l.spec(),
        l.model(),
        l.samples(),
        l.reductions(),
        l.metrics(),
        l.errors(),
        l.usage(),
        l.startedAtMillis(),
        l.completedAtMillis());
  }

  @Test
  void erroredPairsAreRetriedOnResume(@TempDir Path dir) {
    Path path = dir.resolve("log.json");
    Task task = additionTask(3, 1);
    EvalLog first =
        EvalRunner.builder(
                model(
                    "m",
                    q -> {
                      if (q.startsWith("1+")) {
                        throw new IllegalStateException("429");
                      }
                      return add(q);
                    }))
            .logPath(path)
            .progress(false)
            .build()
            .run(task);
    assertEquals(1, first.errors());
    AtomicInteger calls = new AtomicInteger();
    EvalLog second =
        EvalRunner.builder(
                model(
                    "m",
                    q -> {
                      calls.incrementAndGet();
                      return add(q);
                    }))
            .logPath(path)
            .progress(false)
            .build()
            .run(task);
    assertEquals(1, calls.get());
    assertEquals(0, second.errors());
    assertEquals(3, second.samples().size());
  }

  @Test
  void aJournalOfAnotherTaskIsRefused(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("log.json");
    EvalRunner.builder(model("m", EvalRunnerTest::add))
        .logPath(path)
        .progress(false)
        .build()
        .run(additionTask(1, 1));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                EvalRunner.builder(model("other", EvalRunnerTest::add))
                    .logPath(path)
                    .progress(false)
                    .build()
                    .run(additionTask(1, 1)));
    assertTrue(
        e.getMessage().contains("model m") && e.getMessage().contains("other"), e.getMessage());
    String journal = Files.readString(EvalRunner.journalPath(path), StandardCharsets.UTF_8);
    assertEquals(2, journal.split("\n").length);
  }

  @Test
  void interruptingTheRunCancelsItAndWritesAResumableLog(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("log.json");
    Task task = additionTask(8, 1);
    java.util.concurrent.CountDownLatch twoDone = new java.util.concurrent.CountDownLatch(2);
    AtomicInteger calls = new AtomicInteger();
    ChatModel slow =
        model(
            "m",
            q -> {
              if (calls.incrementAndGet() > 2) {
                try {
                  Thread.sleep(10_000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("interrupted");
                }
              }
              twoDone.countDown();
              return add(q);
            });
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                EvalRunner.builder(slow)
                    .logPath(path)
                    .maxConnections(1)
                    .progress(false)
                    .build()
                    .run(task);
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    twoDone.await();
    Thread.sleep(100);
    t.interrupt();
    t.join(5_000);
    assertTrue(
        thrown.get() instanceof java.util.concurrent.CancellationException,
        String.valueOf(thrown.get()));
    EvalLog partial = EvalLogs.read(path);
    assertEquals(EvalLog.Status.CANCELLED, partial.status());
    assertEquals(2, partial.samples().size());
    assertEquals(0, partial.errors());
    EvalLog resumed =
        EvalRunner.builder(model("m", EvalRunnerTest::add))
            .logPath(path)
            .progress(false)
            .build()
            .run(task);
    assertEquals(EvalLog.Status.SUCCESS, resumed.status());
    assertEquals(8, resumed.samples().size());
  }

  @Test
  void aProgressBarCanBeShown() {
    EvalLog log =
        EvalRunner.builder(model("m", EvalRunnerTest::add))
            .progress(true)
            .build()
            .run(additionTask(3, 1));
    assertEquals(EvalLog.Status.SUCCESS, log.status());
  }

  @Test
  void badRunnerSettingsThrow() {
    ChatModel m = model("m", EvalRunnerTest::add);
    assertThrows(IllegalArgumentException.class, () -> EvalRunner.builder(m).maxConnections(0));
    assertThrows(IllegalArgumentException.class, () -> EvalRunner.builder(m).bootstrap(0, 1));
    assertThrows(NullPointerException.class, () -> EvalRunner.builder(null).build());
  }
}
