package dev.portkeep.cli;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.io.PrintStream;
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
    CommandLine line = commandLine(invocation);
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
    return line.execute(OpenSshArgs.normalize(args, line.getSubcommands().keySet()));
  }

  /** The whole command model: the root command and every subcommand. */
  static CommandLine commandLine(Invocation invocation) {
    CommandLine line = new CommandLine(new PortkeepCommand(invocation));
    line.addSubcommand("demo", new DemoCommand(invocation));
    line.addSubcommand("check", new CheckCommand(invocation));
    line.addSubcommand("smb", new SmbCommand(invocation));
    line.addSubcommand("up", new UpCommand(invocation));
    line.addSubcommand("status", new StatusCommand(invocation));
    line.addSubcommand("start", new ControlCommands.Start(invocation));
    line.addSubcommand("stop", new ControlCommands.Stop(invocation));
    line.addSubcommand("restart", new ControlCommands.Restart(invocation));
    line.addSubcommand("reload", new ControlCommands.Reload(invocation));
    line.addSubcommand("ui", new UiCommand(invocation));
    line.addSubcommand("service", ServiceCommand.commandLine(invocation));
    // Prints the bash/zsh completion script made from this command model; the release build runs
    // it to ship the script, so it is hidden from the help.
    line.addSubcommand("generate-completion", new AutoComplete.GenerateCompletion());
    line.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
    return line;
  }
}
