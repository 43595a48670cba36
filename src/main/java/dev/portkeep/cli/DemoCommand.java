package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.demo.Demo;
import dev.portkeep.demo.Training;
import dev.portkeep.error.PortkeepException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portkeep demo}: a real tunnel through an embedded SSH server, no setup needed. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts an embedded forwarding-only SSH server and an echo service on this machine, opens a",
      "real portkeep tunnel to it, sends traffic through, and shows what happened. It then stays",
      "up so you can try the forwarded port yourself, until Ctrl-C."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  portkeep demo",
      "  portkeep demo --no-wait      run the traffic, print the report and exit"
    })
final class DemoCommand implements Callable<Integer> {
  private final Invocation invocation;

  @Option(
      names = "--no-wait",
      description = "Exit after the demo traffic instead of waiting for Ctrl-C.")
  boolean noWait;

  @Option(
      names = "--train",
      hidden = true,
      description =
          "After the demo, run the launcher's training workload for its start-up cache and exit.")
  boolean train;

  DemoCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintStream out = invocation.out();
    out.println("portkeep demo: everything below runs on this machine; nothing leaves it.");
    try (Demo demo = Demo.start(Listeners.system())) {
      Tunnel tunnel = demo.tunnel();
      out.println(
          "  ssh server   embedded, 127.0.0.1:"
              + demo.server().port()
              + ", host key "
              + demo.server().hostKeyFingerprint());
      out.println(
          "               (checked against a known_hosts file like any server; forwarding only, no shell)");
      out.println(
          "  target       echo service on "
              + demo.target().getAddress().getHostAddress()
              + ":"
              + demo.target().getPort());
      for (Tunnel.Bound bound : tunnel.bound()) {
        out.println(
            "forwarding "
                + bound.display()
                + " -> "
                + bound.forward().targetText()
                + " via "
                + tunnel.via());
      }
      out.println(
          "  session      "
              + tunnel.session().serverVersion()
              + ", cipher "
              + tunnel.session().cipher());
      Demo.Exchange exchange = demo.exercise();
      out.printf(
          "  traffic      first byte back after %.2f ms (connect, channel open, echo)%n",
          ms(exchange.firstByte()));
      out.printf(
          "               %d more one-byte round trips: median %.2f ms, slowest %.2f ms%n",
          Demo.ROUND_TRIPS - 1, ms(exchange.medianRoundTrip()), ms(exchange.slowestRoundTrip()));
      out.printf(
          "               %d bytes sent and echoed back, SHA-256 %s%n",
          exchange.bytes(), exchange.intact() ? "equal" : "DIFFERENT");
      out.printf(
          "  forward      %d channel(s) opened, %d bytes up, %d bytes down so far%n",
          exchange.stats().connections(), exchange.stats().bytesUp(), exchange.stats().bytesDown());
      out.println();
      out.println("Against your own server you would type:");
      out.println("  ./portkeep -L 8080:db.internal:5432 you@your-server.example.com");
      if (!exchange.intact()) {
        return ExitCode.FORWARD_FAILED.code();
      }
      if (train) {
        for (Training.Round round : Training.run(Listeners.system())) {
          out.printf(
              "  training     %s: %d connections, %d bytes echoed, %.1f s%n",
              round.cipher(), round.connections(), round.bytesEchoed(), ms(round.took()) / 1000);
        }
      }
      if (noWait || train) {
        return ExitCode.OK.code();
      }
      int port = exchange.via().getPort();
      out.println();
      out.println(
          "The tunnel stays up: try 'nc 127.0.0.1 "
              + port
              + "' (what you type comes back). Ctrl-C stops.");
      out.flush();
      while (invocation.stop().await(Duration.ofSeconds(1)) == null) {
        // Waiting for Ctrl-C.
      }
      return ExitCode.OK.code();
    } catch (PortkeepException e) {
      return invocation.fail(e);
    }
  }

  private static double ms(Duration d) {
    return d.toNanos() / 1e6;
  }
}
