package dev.residual.examples.cli;

import dev.residual.examples.demo.MlpDemo;
import dev.residual.examples.diffusion.DiffusionCommand;
import dev.residual.examples.evals.EvalsCommand;
import dev.residual.examples.gpt.GptCommand;
import dev.residual.examples.interp.InterpCommand;
import dev.residual.examples.mnist.MnistTrain;
import dev.residual.examples.rl.RlCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code residual} command line, started by the {@code ./residual} launcher at the top of the
 * repository. Each subcommand is a runnable demo from this module; {@code residual help COMMAND}
 * and {@code residual COMMAND --help} describe them.
 */
@Command(
    name = "residual",
    mixinStandardHelpOptions = true,
    versionProvider = ResidualCli.Version.class,
    description = "Residual: machine-learning research in plain Java.",
    subcommands = {
      MlpDemo.class,
      MnistTrain.class,
      TrackCommand.class,
      GptCommand.class,
      InterpCommand.class,
      RlCommand.class,
      EvalsCommand.class,
      DiffusionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ResidualCli implements Runnable {

  @Spec private CommandSpec spec;

  /** Without a subcommand there is nothing to do: report it the way picocli reports bad usage. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command, e.g. `residual demo`");
  }

  /**
   * Parses {@code args} and runs the chosen command.
   *
   * @param args the command line, e.g. {@code demo --steps 500}
   * @return the exit code: 0 on success, 2 for bad usage, 1 if the command failed
   */
  public static int execute(String... args) {
    return new CommandLine(new ResidualCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args);
  }

  /**
   * Entry point of the launcher; exits the JVM with the command's exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The version recorded in the jar's manifest by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = ResidualCli.class.getPackage().getImplementationVersion();
      return new String[] {
        "residual " + (version == null ? "(development build)" : version),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")"
      };
    }
  }
}
