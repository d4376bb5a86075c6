package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunsTest {
  @TempDir Path root;

  @AfterEach
  void cleanUp() {
    Runs.unregisterSinkFactory("test");
    Runs.unregisterSinkFactory(Runs.WANDB);
  }

  @Test
  void startLaysOutTheRunDirectory() throws Exception {
    Path dir;
    try (Run run =
        Runs.start(
            RunOptions.builder()
                .project("demo")
                .rootDir(root)
                .console(false)
                .env(Map.of())
                .build())) {
      assertTrue(run.id().matches("[a-z0-9]{8}"), run.id());
      assertEquals("demo", run.project());
      assertTrue(run.name().startsWith("run-"), run.name());
      dir = run.dir();
      assertEquals(root.resolve("demo").resolve(run.id()), dir);
      run.log(0, Map.of("x", 1));
    }
    for (String f : List.of("run.json", "config.json", "metrics.jsonl", "index.html", "media")) {
      assertTrue(Files.exists(dir.resolve(f)), f);
    }
    assertTrue(Files.isDirectory(dir.resolve("media")));
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temp files left");
    }
  }

  @Test
  void projectFallsBackToTheEnvironmentThenUncategorized() {
    var withEnv = RunOptions.builder().env(Map.of("WANDB_PROJECT", "envproj")).build();
    assertEquals("envproj", withEnv.resolvedProject());
    assertEquals("uncategorized", RunOptions.builder().env(Map.of()).build().resolvedProject());
  }

  @Test
  void idsAreFreshAndWellFormed() {
    String a = Runs.newId();
    String b = Runs.newId();
    assertTrue(a.matches("[a-z0-9]{8}"));
    assertNotEquals(a, b);
  }

  @Test
  void badProjectNameIsRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Runs.start(
                    RunOptions.builder().project("a/b").rootDir(root).env(Map.of()).build()));
    assertTrue(e.getMessage().contains("a/b"));
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> RunOptions.builder().totalSteps(-1).build());
    assertThrows(
        IllegalArgumentException.class, () -> RunOptions.builder().queueCapacity(0).build());
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> RunOptions.builder().wandbMode("cloud").build());
    assertTrue(e.getMessage().contains("cloud"));
  }

  @Test
  void wandbIsEnabledOnlyWithAKeyAndAnOnlineMode() {
    assertFalse(RunOptions.builder().env(Map.of()).build().wandbEnabled());
    assertTrue(RunOptions.builder().env(Map.of("WANDB_API_KEY", "k")).build().wandbEnabled());
    assertFalse(
        RunOptions.builder()
            .env(Map.of("WANDB_API_KEY", "k", "WANDB_MODE", "disabled"))
            .build()
            .wandbEnabled());
    assertFalse(
        RunOptions.builder()
            .env(Map.of("WANDB_API_KEY", "k", "WANDB_MODE", "offline"))
            .build()
            .wandbEnabled());
    assertFalse(
        RunOptions.builder()
            .env(Map.of("WANDB_API_KEY", "k"))
            .wandbMode("disabled")
            .build()
            .wandbEnabled());
  }

  @Test
  void wandbFactoryIsConsultedOnlyWhenEnabled() {
    AtomicInteger calls = new AtomicInteger();
    Runs.registerSinkFactory(
        Runs.WANDB,
        o -> {
          calls.incrementAndGet();
          return new RunTest.RecordingSink();
        });
    Runs.start(RunOptions.builder().rootDir(root).console(false).env(Map.of()).build()).finish(0);
    assertEquals(0, calls.get());
    Runs.start(
            RunOptions.builder()
                .rootDir(root)
                .console(false)
                .env(Map.of("WANDB_API_KEY", "k"))
                .build())
        .finish(0);
    assertEquals(1, calls.get());
  }

  @Test
  void registeredFactoriesAddSinksAndABrokenFactoryIsSkipped() {
    RunTest.RecordingSink sink = new RunTest.RecordingSink();
    Runs.registerSinkFactory("test", o -> sink);
    Runs.registerSinkFactory(
        Runs.WANDB,
        o -> {
          throw new IllegalStateException("no network (expected by the test)");
        });
    Run run =
        Runs.start(
            RunOptions.builder()
                .rootDir(root)
                .console(false)
                .env(Map.of("WANDB_API_KEY", "k"))
                .build());
    run.log(3, Map.of("a", 1));
    run.finish(0);
    assertTrue(sink.calls.contains("log 3 {a=1}"), sink.calls.toString());
  }
}
