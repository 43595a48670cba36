package dev.portkeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portkeep.control.ControlClient;
import dev.portkeep.control.ControlPaths;
import dev.portkeep.control.Request;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.service.Launchd;
import dev.portkeep.service.Scope;
import dev.portkeep.service.ServicePlan;
import dev.portkeep.service.Systemd;
import dev.portkeep.service.TaskScheduler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code portkeep service}: run {@code portkeep up} at logon or boot, restarted on failure. */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Runs portkeep up with your tunnels file at every logon (--user, the default: a systemd user",
      "unit, a launchd agent or a Task Scheduler task at logon) or at boot (--system, as root),",
      "started again when it fails."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep service install --dry-run   show the unit and commands only",
      "  portkeep service install             write the unit, enable and start it",
      "  portkeep service status",
      "  sudo portkeep service install --system -c /etc/portkeep/tunnels.toml",
      "  portkeep service uninstall"
    })
final class ServiceCommand implements Callable<Integer> {
  static final String LAUNCHER_VARIABLE = "PORTKEEP_LAUNCHER";

  private final Invocation invocation;

  ServiceCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  static CommandLine commandLine(Invocation invocation) {
    return new CommandLine(new ServiceCommand(invocation))
        .addSubcommand("install", new ServiceInstall(invocation))
        .addSubcommand("uninstall", new ServiceUninstall(invocation))
        .addSubcommand("status", new ServiceStatus(invocation));
  }

  @Override
  public Integer call() {
    return invocation.fail(
        new UsageException(
            "portkeep service needs an action: install, uninstall or status",
            "e.g. portkeep service install --dry-run"));
  }

  /** The options every action takes (a picocli mixin). */
  static final class Options {
    @Option(names = "--user", description = "Your own service, from logon (the default).")
    boolean user;

    @Option(names = "--system", description = "A service of the machine, from boot (root only).")
    boolean system;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "The tunnels file (default: tunnels.toml in the user's config folder).")
    Path file;

    /** This platform's plan for the scope the flags ask for. */
    ServicePlan plan(Invocation invocation) {
      Scope scope = Scope.of(user, system, ControlPaths.currentUid());
      Path tunnels = tunnels(invocation);
      Path launcher = launcher(invocation);
      String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
      if (os.startsWith("windows")) {
        return TaskScheduler.plan(scope, launcher, tunnels, invocation.env().localUser());
      }
      if (os.startsWith("mac") || os.startsWith("darwin")) {
        return Launchd.plan(
            scope, launcher, tunnels, invocation.env().home(), ControlPaths.currentUid());
      }
      Path configHome =
          invocation
              .env()
              .variable("XDG_CONFIG_HOME")
              .map(Path::of)
              .filter(Path::isAbsolute)
              .orElse(invocation.env().home().resolve(".config"));
      return Systemd.plan(scope, launcher, tunnels, configHome);
    }

    Path tunnels(Invocation invocation) {
      Path given =
          file != null
              ? file
              : dev.portkeep.config.tunnels.TunnelsFile.defaultPath(
                  System.getProperty("os.name"),
                  invocation.env().home(),
                  name -> invocation.env().variable(name).orElse(null));
      return given.toAbsolutePath().normalize();
    }

    /** The launcher that started this process (it says so in PORTKEEP_LAUNCHER). */
    private static Path launcher(Invocation invocation) {
      return invocation
          .env()
          .variable(LAUNCHER_VARIABLE)
          .map(Path::of)
          .filter(Path::isAbsolute)
          .orElseThrow(
              () ->
                  new UsageException(
                      "cannot tell which portkeep the service should run: "
                          + LAUNCHER_VARIABLE
                          + " is not set",
                      "run portkeep through its launcher (bin/portkeep, portkeep.cmd or"
                          + " ./portkeep), which sets it"));
    }
  }

  /** A command's outcome; {@code exit} -1 when it could not be started at all. */
  record Ran(int exit, String stdout, String stderr) {
    boolean ok() {
      return exit == 0;
    }

    /** The first line that says why it failed. */
    String why() {
      String text = stderr.isBlank() ? stdout : stderr;
      return text.isBlank() ? "exit status " + exit : text.strip().lines().findFirst().orElse("");
    }
  }

  static Ran run(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      return new Ran(p.waitFor(), new String(out, UTF8), new String(err, UTF8));
    } catch (IOException e) {
      return new Ran(-1, "", "cannot run " + argv.getFirst() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Ran(-1, "", "interrupted");
    }
  }

  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  static String shell(List<String> argv) {
    List<String> words = new ArrayList<>();
    for (String w : argv) {
      words.add(w.matches("[A-Za-z0-9_./:@%+=,-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
    }
    return String.join(" ", words);
  }

  /** True when the file is there and portkeep wrote it; a file it did not write is refused. */
  static boolean installed(ServicePlan plan) {
    if (!Files.exists(plan.file())) {
      return false;
    }
    try {
      if (!Files.readString(plan.file(), plan.charset()).contains(plan.marker())) {
        throw new UsageException(
            plan.file() + " is there, but portkeep service install did not write it",
            "move it away first; portkeep changes only files it wrote");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      description = "Writes the service definition, then enables and starts it.",
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep service install --dry-run", "  portkeep service install -c ~/t.toml"})
  static final class ServiceInstall implements Callable<Integer> {
    private final Invocation invocation;
    @Mixin Options options = new Options();

    @Option(
        names = "--dry-run",
        description = "Print what would be written and run; change nothing.")
    boolean dryRun;

    ServiceInstall(Invocation invocation) {
      this.invocation = invocation;
    }

    @Override
    public Integer call() throws IOException {
      try {
        ServicePlan plan = options.plan(invocation);
        Path tunnels = options.tunnels(invocation);
        if (!Files.isRegularFile(tunnels)) {
          throw new UsageException(
              "no tunnels file at " + tunnels,
              "write one first (see the README's portkeep up), or name it with -c FILE");
        }
        boolean replacing = installed(plan);
        PrintStream out = invocation.out();
        if (dryRun) {
          out.println("would write " + plan.file() + " (" + plan.platform() + "):");
          plan.content().lines().forEach(l -> out.println("  " + l));
          plan.afterWrite().forEach(c -> out.println("would run: " + shell(c)));
          return ExitCode.OK.code();
        }
        Files.createDirectories(plan.file().toAbsolutePath().getParent());
        Files.writeString(plan.file(), plan.content(), plan.charset());
        out.println(
            (replacing ? "replaced " : "wrote ") + plan.file() + " (" + plan.platform() + ")");
        for (List<String> command : plan.afterWrite()) {
          Ran ran = run(command);
          if (!ran.ok()) {
            out.println("not enabled: " + shell(command) + " failed: " + ran.why());
            out.println(
                "hint: where the service manager runs, enable it with: "
                    + String.join(
                        "; ", plan.afterWrite().stream().map(ServiceCommand::shell).toList()));
            return ExitCode.OK.code();
          }
          out.println("ran: " + shell(command));
        }
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }
  }

  @Command(
      name = "uninstall",
      mixinStandardHelpOptions = true,
      description = "Stops and disables the service and removes the file install wrote.",
      footerHeading = "%nExamples:%n",
      footer = {
        "  portkeep service uninstall --dry-run",
        "  sudo portkeep service uninstall --system"
      })
  static final class ServiceUninstall implements Callable<Integer> {
    private final Invocation invocation;
    @Mixin Options options = new Options();

    @Option(
        names = "--dry-run",
        description = "Print what would be run and removed; change nothing.")
    boolean dryRun;

    ServiceUninstall(Invocation invocation) {
      this.invocation = invocation;
    }

    @Override
    public Integer call() throws IOException {
      try {
        ServicePlan plan = options.plan(invocation);
        PrintStream out = invocation.out();
        if (!installed(plan)) {
          out.println("not installed: no " + plan.file());
          return ExitCode.OK.code();
        }
        if (dryRun) {
          plan.beforeRemove().forEach(c -> out.println("would run: " + shell(c)));
          out.println("would remove " + plan.file());
          return ExitCode.OK.code();
        }
        for (List<String> command : plan.beforeRemove()) {
          Ran ran = run(command);
          out.println(
              ran.ok() ? "ran: " + shell(command) : shell(command) + " failed: " + ran.why());
        }
        Files.delete(plan.file());
        out.println("removed " + plan.file());
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Says whether the service is installed, enabled and running, and what the"
              + " control endpoint of its portkeep up answers.",
      footerHeading = "%nExamples:%n",
      footer = {"  portkeep service status", "  sudo portkeep service status --system"})
  static final class ServiceStatus implements Callable<Integer> {
    private final Invocation invocation;
    @Mixin Options options = new Options();
    @Mixin FleetControlOption control = new FleetControlOption();

    ServiceStatus(Invocation invocation) {
      this.invocation = invocation;
    }

    @Override
    public Integer call() {
      try {
        ServicePlan plan = options.plan(invocation);
        PrintStream out = invocation.out();
        out.println("installed: " + (installed(plan) ? "yes, " : "no, no ") + plan.file());
        out.println("enabled:   " + answer(run(plan.isEnabled())));
        out.println("running:   " + answer(run(plan.isRunning())));
        out.println("control:   " + control());
        return ExitCode.OK.code();
      } catch (PortkeepException e) {
        return invocation.fail(e);
      }
    }

    /** yes (exit 0), no (a plain no: an exit status and nothing on stderr), else unknown. */
    private static String answer(Ran ran) {
      if (ran.ok()) {
        return "yes";
      }
      return ran.exit() > 0 && ran.stderr().isBlank() ? "no" : "unknown (" + ran.why() + ")";
    }

    private String control() {
      Path socket = control.askAt();
      try {
        ObjectNode status =
            new ControlClient(socket, ControlClient.DEFAULT_TIMEOUT).send(new Request.Status());
        List<String> tunnels = new ArrayList<>();
        for (JsonNode t : status.path("tunnels")) {
          tunnels.add(t.path("name").asText() + " " + t.path("state").asText());
        }
        return "answering at "
            + socket
            + ": "
            + (tunnels.isEmpty() ? "no tunnels" : String.join(", ", tunnels));
      } catch (PortkeepException e) {
        return e.getMessage();
      }
    }
  }

  /** {@code --control PATH}, as the fleet commands take it. */
  static final class FleetControlOption {
    @Option(
        names = "--control",
        paramLabel = "PATH",
        description = "The control socket of the running portkeep up (default: a per-user folder).")
    Path control;

    Path askAt() {
      return control != null
          ? control
          : ControlPaths.defaultSocket(
              System.getenv(), System.getProperty("os.name"), ControlPaths.currentUid());
    }
  }
}
