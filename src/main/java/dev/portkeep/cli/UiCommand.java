package dev.portkeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portkeep.control.ControlClient;
import dev.portkeep.control.Request;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UsageException;
import dev.portkeep.web.UiSecret;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code portkeep ui}: opens the running {@code up}'s web page in the default browser, with the
 * page's secret in the URL's fragment (which browsers never send to a server, so it lands in no
 * log); prints the URL when no browser can be started.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Opens the web page of the running portkeep up (started with --ui, or ui in the file) in",
      "the default browser. The URL carries the page's secret after '#': keep it to yourself."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  portkeep ui", "  portkeep ui --print      only print the URL"})
final class UiCommand implements Callable<Integer> {
  private final Invocation invocation;

  @Mixin FleetOptions options = new FleetOptions();

  @Option(names = "--print", description = "Print the URL instead of opening a browser.")
  boolean print;

  UiCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() {
    try {
      JsonNode status =
          new ControlClient(options.askAt(), ControlClient.DEFAULT_TIMEOUT)
              .send(new Request.Status());
      String page = status.path("ui").asText("");
      if (page.isEmpty()) {
        throw new UsageException(
            "the running portkeep up serves no web page",
            "start it with portkeep up --ui, or put ui = \"127.0.0.1:9723\" in the tunnels file");
      }
      UiSecret secret = UiSecret.load(UiSecret.fileBeside(options.askAt()));
      String url = page + "#secret=" + secret.reveal();
      if (print || !browse(url)) {
        invocation.out().println(url);
      } else {
        invocation.out().println("opened " + page + " in the browser");
      }
      return ExitCode.OK.code();
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  /** Asks the system's URL opener; false when there is none or it fails. */
  private static boolean browse(String url) {
    Optional<List<String>> opener = opener(System.getProperty("os.name"), System.getenv());
    if (opener.isEmpty()) {
      return false;
    }
    List<String> argv = new java.util.ArrayList<>(opener.get());
    argv.add(url);
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The command that opens a URL in the default browser here, if there is a desktop to show it. */
  static Optional<List<String>> opener(String osName, Map<String, String> env) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return Optional.of(List.of("rundll32", "url.dll,FileProtocolHandler"));
    }
    if (os.startsWith("mac")) {
      return Optional.of(List.of("open"));
    }
    boolean desktop =
        !env.getOrDefault("DISPLAY", "").isEmpty()
            || !env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty();
    return desktop ? Optional.of(List.of("xdg-open")) : Optional.empty();
  }
}
