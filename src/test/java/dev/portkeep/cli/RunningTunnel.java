package dev.portkeep.cli;

import dev.portkeep.testing.SshTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** portkeep running in-process against a test SSH server, with the ports it printed. */
public final class RunningTunnel implements AutoCloseable {
  private static final Pattern FORWARDING = Pattern.compile("forwarding (\\S+):(\\d+) -> ");

  private final CliRun run;
  private final List<Integer> ports = new ArrayList<>();

  private RunningTunnel(CliRun run) {
    this.run = run;
  }

  /** Starts {@code portkeep <forwardArgs> -p port -i key -o UserKnownHostsFile=... user@host}. */
  public static RunningTunnel start(Path home, SshTestServer server, String... forwardArgs)
      throws InterruptedException {
    List<String> args = new ArrayList<>(List.of(forwardArgs));
    args.addAll(
        List.of(
            "-p",
            String.valueOf(server.port()),
            "-i",
            server.clientKey().toString(),
            "-o",
            "UserKnownHostsFile=" + server.knownHostsFile(),
            "-o",
            "StrictHostKeyChecking=yes",
            server.user() + "@" + server.host()));
    RunningTunnel tunnel = new RunningTunnel(CliRun.start(home, args.toArray(String[]::new)));
    String out = tunnel.run.awaitOut("forwarding ", Duration.ofSeconds(20));
    Matcher m = FORWARDING.matcher(out);
    while (m.find()) {
      tunnel.ports.add(Integer.parseInt(m.group(2)));
    }
    return tunnel;
  }

  /** The real port of the first listener. */
  public int port() {
    return ports.get(0);
  }

  public CliRun run() {
    return run;
  }

  @Override
  public void close() {
    if (run.isRunning()) {
      run.stop();
    }
  }
}
