package dev.residual.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrackCommandTest {
  @TempDir Path tmp;

  @Test
  void trackSyncIsRegisteredWithHelp() {
    assertEquals(0, ResidualCli.execute("track", "--help"));
    assertEquals(0, ResidualCli.execute("track", "sync", "--help"));
  }

  @Test
  void trackWithoutASubcommandOrDirectoryIsAUsageError() {
    assertEquals(2, ResidualCli.execute("track"));
    assertEquals(2, ResidualCli.execute("track", "sync"));
    assertEquals(2, ResidualCli.execute("track", "sync", tmp.resolve("missing").toString()));
  }

  @Test
  void syncWithoutAnApiKeyFailsWithAMessage() {
    TrackCommand.Sync sync = new TrackCommand.Sync();
    sync.env = Map.of("WANDB_MODE", "offline");
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(sync);
    cl.setErr(new PrintWriter(err, true));
    assertEquals(1, cl.execute(tmp.toString()));
    assertTrue(err.toString().contains("WANDB_API_KEY"), err.toString());
  }
}
