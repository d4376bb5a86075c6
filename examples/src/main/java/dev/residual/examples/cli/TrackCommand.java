package dev.residual.examples.cli;

import dev.residual.track.wandb.WandbClient;
import dev.residual.track.wandb.WandbSettings;
import dev.residual.track.wandb.WandbSync;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code residual track}: commands on local run directories ({@code runs/<project>/<id>/}). Without
 * a subcommand it reports bad usage.
 */
@Command(
    name = "track",
    description = "Work with local run directories (runs/<project>/<id>/).",
    mixinStandardHelpOptions = true,
    subcommands = {TrackCommand.Sync.class})
public final class TrackCommand implements Runnable {

  @Spec private CommandSpec spec;

  /** Reports that a subcommand is missing. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command, e.g. `track sync DIR`");
  }

  /**
   * {@code residual track sync <run-dir>}: uploads an offline, failed or killed run to Weights &
   * Biases with {@link WandbSync}, using {@code WANDB_API_KEY}, {@code WANDB_BASE_URL} and {@code
   * WANDB_ENTITY} ({@code WANDB_MODE} is ignored: asking to sync is asking to go online).
   */
  @Command(
      name = "sync",
      mixinStandardHelpOptions = true,
      description = "Upload a local run directory to Weights & Biases (needs WANDB_API_KEY).")
  static final class Sync implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "e.g. runs/demo/ab12cd34")
    Path runDir;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    /**
     * Uploads the run.
     *
     * @return 0 on success, 1 if the upload failed or no API key is set
     * @throws ParameterException (exit code 2) if {@code RUN_DIR} is not a directory
     */
    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isDirectory(runDir)) {
        throw new ParameterException(
            spec.commandLine(), "track sync: " + runDir + " is not a directory");
      }
      Map<String, String> vars = new HashMap<>(env);
      vars.remove("WANDB_MODE");
      Path parent = runDir.toAbsolutePath().normalize().getParent();
      String defaultProject =
          parent != null && parent.getFileName() != null
              ? parent.getFileName().toString()
              : "residual";
      WandbSettings settings = WandbSettings.fromEnvironment(vars, defaultProject);
      if (settings.apiKey() == null) {
        err.println("track sync: WANDB_API_KEY is not set");
        return 1;
      }
      try (WandbClient client = new WandbClient(settings)) {
        WandbSync.Result r = WandbSync.sync(runDir, client);
        out.printf(
            "synced %s/%s/%s: %d history lines, %d files%s%n",
            r.entity(),
            r.project(),
            r.runId(),
            r.historyLines(),
            r.files(),
            r.skippedLines() > 0 ? ", " + r.skippedLines() + " unreadable line(s) skipped" : "");
        return 0;
      } catch (IOException e) {
        err.println("track sync: " + e.getMessage());
        return 1;
      }
    }
  }
}
