package dev.portkeep.cli;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import picocli.AutoComplete;
import picocli.CommandLine;

/** The entry point: sets up logging, runs the command line, maps the outcome to the exit code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int verbosity = Logging.verbosity(args);
    Logging.configure(verbosity);
    Environment env = Console.environment();
    int code = run(args, System.out, System.err, env, Console.prompts(), StopSignal.fromOs());
    System.out.flush();
    System.exit(code);
  }

  /** Runs one command line; the seam the tests use. */
  public static int run(
      String[] args,
      PrintStream out,
      PrintStream err,
      Environment env,
      Prompts prompts,
      StopSignal stop) {
    Invocation invocation = new Invocation(out, err, env, prompts, stop, Logging.verbosity(args));
    try {
      dev.portkeep.ssh.SshConnector.checkSystemProperties();
    } catch (dev.portkeep.error.UsageException e) {
      return invocation.fail(e);
    }
    CommandLine line = forwardsOnly(args) ? root(invocation) : commandLine(invocation);
    OpenSshHelp.apply(line);
    line.setOut(new java.io.PrintWriter(out, true, out.charset()));
    line.setErr(new java.io.PrintWriter(err, true, err.charset()));
    line.setPosixClusteredShortOptionsAllowed(true);
    line.setUnmatchedOptionsArePositionalParams(false);
    line.setParameterExceptionHandler(
        (e, a) -> {
          err.println("portkeep: " + e.getMessage().replace("Unknown option:", "unknown option:"));
          err.println("hint: see portkeep --help");
          return ExitCode.USAGE.code();
        });
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          err.println("portkeep: internal error (a bug; please report it with this trace)");
          e.printStackTrace(err);
          return ExitCode.INTERNAL_ERROR.code();
        });
    return line.execute(OpenSshArgs.normalize(args, SUBCOMMANDS));
  }

  /** Every subcommand's name, in the order the help lists them. */
  static final SequencedSet<String> SUBCOMMANDS =
      Collections.unmodifiableSequencedSet(
          new LinkedHashSet<>(
              List.of(
                  "demo",
                  "check",
                  "smb",
                  "up",
                  "status",
                  "start",
                  "stop",
                  "restart",
                  "reload",
                  "ui",
                  "service",
                  "generate-completion")));

  /**
   * True for the command line of a forward ({@code portkeep -L ... host}), which needs the root
   * command alone. Picocli builds each subcommand's model by reflection, in classes the start-up
   * cache cannot hold (picocli is compiled for Java 5), and the twelve of them cost a tunnel's cold
   * start about a sixth of its CPU. Help lists the subcommands, so any help option, or a command
   * line with no host at all, gets the whole model.
   */
  static boolean forwardsOnly(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || (arg.startsWith("-") && !arg.startsWith("--") && helpFlag(arg))) {
        return false;
      }
    }
    String first = OpenSshArgs.firstWord(args);
    return first != null && !SUBCOMMANDS.contains(first);
  }

  /** True when a short-option cluster holds -h or -? (or a value that happens to contain one). */
  private static boolean helpFlag(String cluster) {
    return cluster.indexOf('h') > 0 || cluster.indexOf('?') > 0;
  }

  /** The whole command model: the root command and every subcommand. */
  static CommandLine commandLine(Invocation invocation) {
    CommandLine line = root(invocation);
    for (String name : SUBCOMMANDS) {
      line.addSubcommand(name, subcommand(name, invocation));
    }
    // Prints the bash/zsh completion script made from this command model; the release build runs
    // it to ship the script, so it is hidden from the help.
    line.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
    return line;
  }

  private static CommandLine root(Invocation invocation) {
    return new CommandLine(new PortkeepCommand(invocation));
  }

  private static Object subcommand(String name, Invocation invocation) {
    return switch (name) {
      case "demo" -> new DemoCommand(invocation);
      case "check" -> new CheckCommand(invocation);
      case "smb" -> new SmbCommand(invocation);
      case "up" -> new UpCommand(invocation);
      case "status" -> new StatusCommand(invocation);
      case "start" -> new ControlCommands.Start(invocation);
      case "stop" -> new ControlCommands.Stop(invocation);
      case "restart" -> new ControlCommands.Restart(invocation);
      case "reload" -> new ControlCommands.Reload(invocation);
      case "ui" -> new UiCommand(invocation);
      case "service" -> ServiceCommand.commandLine(invocation);
      case "generate-completion" -> new AutoComplete.GenerateCompletion();
      default -> throw new IllegalArgumentException("no subcommand " + name);
    };
  }
}
