package dev.residual.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResidualCliTest {

  @Test
  void versionAndHelpExitWithZero() {
    assertEquals(0, ResidualCli.execute("--version"));
    assertEquals(0, ResidualCli.execute("--help"));
    assertEquals(0, ResidualCli.execute("demo", "--help"));
  }

  @Test
  void missingOrUnknownCommandIsAUsageError() {
    assertEquals(2, ResidualCli.execute());
    assertEquals(2, ResidualCli.execute("no-such-command"));
  }

  @Test
  void demoRejectsBadOptionsAsUsageErrors() {
    assertEquals(2, ResidualCli.execute("demo", "--steps", "0"));
    assertEquals(2, ResidualCli.execute("demo", "--lr", "-1"));
    assertEquals(2, ResidualCli.execute("demo", "--steps", "many"));
  }

  @Test
  void demoRunsThroughTheCommandLine() {
    assertEquals(0, ResidualCli.execute("demo", "--steps", "3", "--seed", "1", "--no-progress"));
  }
}
