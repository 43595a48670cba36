package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.FreePort;
import dev.portkeep.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portkeep up} and the commands that talk to it, end to end in-process: a tunnels file for
 * two real sshds, the control socket in the test's folder.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path home;
  private OpenSshServer first;
  private OpenSshServer second;
  private EchoServer echo;
  private Path file;
  private Path socket;
  private final List<CliRun> running = new ArrayList<>();

  @BeforeEach
  void start() {
    first = OpenSshServer.start();
    second = OpenSshServer.start();
    echo = EchoServer.start();
    file = home.resolve("tunnels.toml");
    socket = home.resolve("run/control.sock");
  }

  @AfterEach
  void stop() throws Exception {
    for (CliRun run : running) {
      if (run.isRunning()) {
        run.stop();
      }
    }
    echo.close();
    second.close();
    first.close();
  }

  private String table(String name, OpenSshServer sshd, int port, String... extra) {
    return "[tunnel."
        + name
        + "]\n"
        + "host = \""
        + sshd.user()
        + "@127.0.0.1:"
        + sshd.port()
        + "\"\n"
        + "local = [\"127.0.0.1:"
        + port
        + ":127.0.0.1:"
        + echo.port()
        + "\"]\n"
        + "options = { IdentityFile = \""
        + sshd.clientKey()
        + "\", UserKnownHostsFile = \""
        + sshd.knownHostsFile()
        + "\" }\n"
        + String.join("\n", extra)
        + "\n";
  }

  private void write(String... tables) throws Exception {
    Files.writeString(file, String.join("\n", tables));
  }

  private CliRun up(String... names) {
    List<String> args =
        new ArrayList<>(List.of("up", "-c", file.toString(), "--control", socket.toString()));
    args.addAll(List.of(names));
    CliRun run = CliRun.start(home, args.toArray(String[]::new));
    running.add(run);
    return run;
  }

  private CliRun command(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--control", socket.toString()));
    return CliRun.run(home, all.toArray(String[]::new));
  }

  private JsonNode status() throws Exception {
    CliRun run = command("status", "--json");
    if (run.exitCode() != 0) {
      throw new IllegalStateException("status exit " + run.exitCode() + ": " + run.err());
    }
    return JSON.readTree(run.out());
  }

  private JsonNode tunnel(String name) throws Exception {
    for (JsonNode t : status().path("tunnels")) {
      if (t.path("name").asText().equals(name)) {
        return t;
      }
    }
    throw new IllegalStateException("no tunnel " + name + " in the status (yet)");
  }

  private void awaitState(String name, String state) {
    Await.until(
        name + " " + state,
        Duration.ofSeconds(40),
        () -> {
          try {
            return tunnel(name).path("state").asText().equals(state);
          } catch (Exception e) {
            return false;
          }
        },
        () -> {
          try {
            return status().toString();
          } catch (Exception e) {
            return e.toString();
          }
        });
  }

  @Test
  void up_threeTunnels_statusShowsThemUpAndTheyCarryData() throws Exception {
    int a = FreePort.pick();
    int b = FreePort.pick();
    int c = FreePort.pick();
    write(table("a", first, a), table("b", second, b), table("c", second, c));
    CliRun up = up();
    for (String name : List.of("a", "b", "c")) {
      awaitState(name, "up");
    }
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
    assertThat(EchoServer.echoesThrough(c, Duration.ofSeconds(5))).isTrue();

    JsonNode t = tunnel("a");
    assertThat(t.path("server").asText()).isEqualTo(first.user() + "@127.0.0.1:" + first.port());
    assertThat(t.path("server_version").asText()).startsWith("SSH-2.0-OpenSSH");
    assertThat(t.path("cipher").asText()).isNotEmpty();
    JsonNode f = t.path("forwards").get(0);
    assertThat(f.path("spec").asText())
        .isEqualTo("-L 127.0.0.1:" + a + ":127.0.0.1:" + echo.port());
    assertThat(f.path("listen").get(0).asText()).contains("127.0.0.1:" + a);
    assertThat(f.path("total").asLong()).isPositive();
    assertThat(f.path("bytes_up").asLong()).isPositive();
    assertThat(f.has("smb")).isTrue();
    assertThat(f.path("smb").isNull()).as("smb of a forward of no SMB tunnel").isTrue();

    CliRun text = command("status");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).containsPattern("(?m)^a\\s+up\\s+for ").contains("127.0.0.1:" + a);
    assertThat(up.err()).contains("a up: connected to");

    assertThat(up.stop()).isZero();
    assertThat(FreePort.unused(a)).isTrue();
    assertThat(socket).doesNotExist();
  }

  @Test
  void oneServerKilled_onlyItsTunnelReconnectsWithTheReasonAndComesBack() throws Exception {
    int a = FreePort.pick();
    int b = FreePort.pick();
    write(table("a", first, a), table("b", second, b));
    up();
    awaitState("a", "up");
    awaitState("b", "up");

    first.kill();
    awaitState("a", "reconnecting");
    JsonNode a1 = tunnel("a");
    assertThat(a1.path("last_loss").path("kind").asText()).isEqualTo("connection_closed");
    assertThat(tunnel("b").path("state").asText()).isEqualTo("up");
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();

    first.restart();
    awaitState("a", "up");
    assertThat(tunnel("a").path("reconnects").asLong()).isEqualTo(1);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void stopStartRestartReload_actOnTheNamedTunnels() throws Exception {
    int a = FreePort.pick();
    int b = FreePort.pick();
    int c = FreePort.pick();
    write(table("a", first, a), table("b", first, b));
    CliRun up = up();
    awaitState("a", "up");
    awaitState("b", "up");

    CliRun stop = command("stop", "a");
    assertThat(stop.exitCode()).as(stop.err()).isZero();
    assertThat(stop.out()).containsPattern("(?m)^a\\s+stopped");
    assertThat(FreePort.unused(a)).isTrue();
    assertThat(EchoServer.echoesThrough(b, Duration.ofSeconds(5))).isTrue();

    assertThat(command("start", "a").exitCode()).isZero();
    awaitState("a", "up");
    assertThat(command("restart", "b").exitCode()).isZero();
    awaitState("b", "up");

    write(table("a", first, a), table("c", first, c));
    CliRun reload = command("reload");
    assertThat(reload.exitCode()).as(reload.err()).isZero();
    assertThat(reload.out())
        .contains("added: c")
        .contains("removed: b")
        .contains("changed: -")
        .contains("unchanged: a");
    awaitState("c", "up");
    assertThat(EchoServer.echoesThrough(c, Duration.ofSeconds(5))).isTrue();
    assertThat(FreePort.unused(b)).isTrue();

    // SIGHUP reloads too.
    write(table("a", first, a));
    up.hangup();
    Await.until("c removed", () -> up.err().contains("removed [c]"));
    assertThat(FreePort.unused(c)).isTrue();
  }

  @Test
  void reload_fileWithAMistake_isReportedAndNothingChanges() throws Exception {
    int a = FreePort.pick();
    write(table("a", first, a));
    up();
    awaitState("a", "up");
    String since = tunnel("a").path("since").asText();

    Files.writeString(file, table("a", first, a) + "bogus = 1\n");
    CliRun reload = command("reload");

    assertThat(reload.exitCode()).isEqualTo(2);
    assertThat(reload.err())
        .contains("tunnels.toml:")
        .contains("unknown key 'bogus'")
        .contains("hint:");
    assertThat(tunnel("a").path("state").asText()).isEqualTo("up");
    assertThat(tunnel("a").path("since").asText()).isEqualTo(since);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();
  }

  /** Host alpha for {@code sshd}, with {@code lines} first so that they win. */
  private static String alpha(OpenSshServer sshd, String... lines) {
    return "Host alpha\n  "
        + String.join("\n  ", lines)
        + "\n  HostName 127.0.0.1\n  Port "
        + sshd.port()
        + "\n";
  }

  @Test
  void reload_afterTheSshConfigChanged_restartsItsTunnel_andKeepsOneWhoseBlockNoLongerReads()
      throws Exception {
    Path config = home.resolve("ssh_config");
    Files.writeString(config, alpha(first, "ServerAliveInterval 30"));
    int a = FreePort.pick();
    String aliased = table("a", first, a).replace("@127.0.0.1:" + first.port(), "@alpha");
    write("ssh_config = \"" + config + "\"\n", aliased);
    CliRun up = up();
    awaitState("a", "up");

    Files.writeString(config, alpha(first, "ServerAliveInterval 7"));
    CliRun changed = command("reload");
    assertThat(changed.exitCode()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("changed: a").doesNotContain("kept:");
    awaitState("a", "up");
    String since = tunnel("a").path("since").asText();

    Files.writeString(config, alpha(first, "Port notaport", "ServerAliveInterval 7"));
    CliRun kept = command("reload");
    assertThat(kept.exitCode()).as(kept.err()).isZero();
    assertThat(kept.out())
        .contains("unchanged: a")
        .containsPattern("(?m)^kept: a runs as it was, though a start now would fail: .*notaport")
        .containsPattern("(?m)^  hint: \\S");
    assertThat(tunnel("a").path("since").asText()).isEqualTo(since);
    assertThat(EchoServer.echoesThrough(a, Duration.ofSeconds(5))).isTrue();

    up.hangup();
    Await.until("the SIGHUP reload's note", () -> up.err().contains("reload: a runs as it was"));
    assertThat(tunnel("a").path("state").asText()).isEqualTo("up");
  }

  @Test
  void up_invalidFile_exit2NamingTheLine() throws Exception {
    Files.writeString(file, "[tunnel.x]\nhost = \"h\"\nlocal = \"8080:w:80\"\n");
    CliRun run = CliRun.run(home, "up", "-c", file.toString(), "--control", socket.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("tunnels.toml:3").contains("hint:").doesNotContain("Exception");
  }

  @Test
  void up_unknownTunnelName_exit2ListingTheNames() throws Exception {
    write(table("a", first, FreePort.pick()));
    CliRun run =
        CliRun.run(home, "up", "-c", file.toString(), "--control", socket.toString(), "nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no tunnel named 'nope'").contains("the file has a");
  }

  @Test
  void secondUp_onTheSameControlSocket_refusedNamingTheFirst() throws Exception {
    write(table("a", first, FreePort.pick()));
    up();
    awaitState("a", "up");
    CliRun second = CliRun.run(home, "up", "-c", file.toString(), "--control", socket.toString());
    assertThat(second.exitCode()).isEqualTo(5);
    assertThat(second.err()).contains("another portkeep up (pid " + ProcessHandle.current().pid());
  }

  @Test
  void commands_withNoUpRunning_sayItInOneLineWithExit6() {
    for (String[] args :
        List.of(new String[] {"status"}, new String[] {"stop", "a"}, new String[] {"reload"})) {
      CliRun run = command(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(6);
      assertThat(run.err()).contains("no portkeep up is running").doesNotContain("Exception");
    }
  }

  @Test
  void stop_unknownTunnel_exit2AndNothingStops() throws Exception {
    int a = FreePort.pick();
    write(table("a", first, a));
    up();
    awaitState("a", "up");
    CliRun run = command("stop", "nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no tunnel named 'nope'");
    assertThat(tunnel("a").path("state").asText()).isEqualTo("up");
    CliRun none = command("stop");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no tunnel given");
  }

  @Test
  void hook_runsOnEveryChangeWithTheStateInItsEnvironment() throws Exception {
    Path out = home.resolve("hook.log");
    int a = FreePort.pick();
    write(
        "on_change = \"echo $PORTKEEP_TUNNEL $PORTKEEP_PREVIOUS $PORTKEEP_STATE >> " + out + "\"\n",
        table("a", first, a));
    CliRun up = up();
    awaitState("a", "up");
    Await.until("the hook ran twice", () -> lines(out) >= 2);
    first.kill();
    Await.until("the hook saw the loss", () -> lines(out) >= 3);
    assertThat(Files.readAllLines(out))
        .startsWith("a stopped connecting", "a connecting up", "a up reconnecting");
    assertThat(up.isRunning()).isTrue();
  }

  private static long lines(Path p) {
    try {
      return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
