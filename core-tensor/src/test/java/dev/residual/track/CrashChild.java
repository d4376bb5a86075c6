package dev.residual.track;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Test helper run in a child JVM by {@link CrashSafetyTest}: logs 1000 steps slowly into a run
 * under {@code args[0]} and prints the run directory, so that the test can kill it mid-run.
 */
public final class CrashChild {
  private CrashChild() {}

  /** {@code args[0]}: root directory of the runs. */
  public static void main(String[] args) throws Exception {
    Run run =
        Runs.start(
            RunOptions.builder()
                .project("crash")
                .rootDir(Path.of(args[0]))
                .console(false)
                .env(Map.of())
                .reportInterval(Duration.ofMillis(200))
                .build());
    System.out.println("DIR " + run.dir());
    System.out.flush();
    for (int step = 0; step < 1000; step++) {
      run.log(step, Map.of("loss", 1.0 / (step + 1), "step_sq", (long) step * step));
      Thread.sleep(5);
    }
    run.finish(0);
  }
}
