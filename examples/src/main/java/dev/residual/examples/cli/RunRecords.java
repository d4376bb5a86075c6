package dev.residual.examples.cli;

import dev.residual.track.Run;
import dev.residual.track.RunOptions;
import dev.residual.track.Runs;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The run lifecycle the commands share: start a run quietly (the commands print their own lines),
 * run the body, and finish the run with the body's exit code, or with 1 when the body throws, and
 * print where the report is.
 */
public final class RunRecords {
  private RunRecords() {}

  /**
   * A run under {@code runsDir/project} without console output, or null when {@code runsDir} is
   * null (tracking off).
   */
  public static Run start(Path runsDir, String project, long totalSteps, String... tags) {
    if (runsDir == null) {
      return null;
    }
    return Runs.start(
        RunOptions.builder()
            .project(project)
            .rootDir(runsDir)
            .console(false)
            .totalSteps(totalSteps)
            .tags(tags)
            .build());
  }

  /**
   * Runs {@code body}; finishes {@code run} (unless null) with its exit code and prints the
   * report's path to {@code out}, or finishes it with 1 and rethrows when the body throws.
   *
   * @return the body's exit code
   */
  public static int record(Run run, Consumer<String> out, IntSupplier body) {
    int code;
    try {
      code = body.getAsInt();
    } catch (RuntimeException | Error e) {
      if (run != null) {
        run.finish(1);
      }
      throw e;
    }
    if (run != null) {
      run.finish(code);
      out.accept("Report: " + run.dir().resolve("index.html").toAbsolutePath());
    }
    return code;
  }
}
