package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.JarRun;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.SshAgent;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in with keys an ssh-agent holds, as OpenSSH users do, against a real sshd and a real
 * ssh-agent: the order of identities, IdentitiesOnly, and agents that fail.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentLoginIT {
  private static final Pattern FORWARDING = Pattern.compile("forwarding 127\\.0\\.0\\.1:(\\d+) ");
  static OpenSshServer sshd;
  static EchoServer echo;
  @TempDir Path home;

  @BeforeAll
  static void start() {
    sshd = OpenSshServer.start();
    echo = EchoServer.start();
  }

  @AfterAll
  static void stop() {
    echo.close();
    sshd.close();
  }

  private List<String> args(String... extra) {
    List<String> a = new ArrayList<>(List.of(extra));
    a.addAll(
        List.of(
            "-v",
            "-L",
            "127.0.0.1:0:127.0.0.1:" + echo.port(),
            "-p",
            String.valueOf(sshd.port()),
            "-o",
            "UserKnownHostsFile=" + sshd.knownHostsFile(),
            "-o",
            "StrictHostKeyChecking=yes",
            sshd.user() + "@127.0.0.1"));
    return a;
  }

  private JarRun run(Map<String, String> env, String... extra) {
    return JarRun.start(home, env, args(extra).toArray(String[]::new));
  }

  private static int forwardedPort(String output) {
    Matcher m = FORWARDING.matcher(output);
    assertThat(m.find()).as("a forwarding line in:\n%s", output).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private Path key(String name) {
    Path file = home.resolve(name);
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            name,
            "-f",
            file.toString())
        .orThrow();
    return file;
  }

  @Test
  void keyOnlyInTheAgent_noKeyFileAnywhere_tunnelCarriesData() throws Exception {
    try (SshAgent agent = SshAgent.start();
        JarRun run = startWithAgentOnly(agent)) {
      String output = run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(EchoServer.echoesThrough(forwardedPort(output), Duration.ofSeconds(10))).isTrue();
      assertThat(run.err())
          .contains("offering agent key 'portkeep-test'")
          .contains("accepted agent key 'portkeep-test'");
      assertThat(run.stop()).isZero();
    }
  }

  private JarRun startWithAgentOnly(SshAgent agent) {
    agent.add(sshd.clientKey());
    assertThat(Files.exists(home.resolve(".ssh"))).isFalse();
    return run(Map.of("SSH_AUTH_SOCK", agent.socket().toString()));
  }

  @Test
  void rsaKeyInTheAgent_signsWithRsaSha2() throws Exception {
    try (OpenSshServer rsaServer = OpenSshServer.builder().clientKeyType("rsa").start();
        SshAgent agent = SshAgent.start()) {
      agent.add(rsaServer.clientKey());
      try (JarRun run =
          JarRun.start(
              home,
              Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
              "-v",
              "-L",
              "127.0.0.1:0:127.0.0.1:" + echo.port(),
              "-p",
              String.valueOf(rsaServer.port()),
              "-o",
              "UserKnownHostsFile=" + rsaServer.knownHostsFile(),
              rsaServer.user() + "@127.0.0.1")) {
        String output = run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(EchoServer.echoesThrough(forwardedPort(output), Duration.ofSeconds(10)))
            .isTrue();
        assertThat(run.err()).contains("offering agent key").contains("(rsa-sha2-512)");
        assertThat(rsaServer.log()).contains("Accepted publickey for").contains("RSA SHA256:");
        assertThat(run.stop()).isZero();
      }
    }
  }

  @Test
  void twentyKeysInTheAgent_identitiesOnlyNamingTheTwentieth_offersOnlyThatKey() throws Exception {
    try (SshAgent agent = SshAgent.start()) {
      List<Path> keys = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        keys.add(key("k" + i));
      }
      keys.forEach(agent::add);
      Path twentieth = keys.get(19);
      sshd.authorize(Files.readString(Path.of(twentieth + ".pub")));
      Files.delete(twentieth); // only the public key is on disk: the agent must sign
      Map<String, String> env = Map.of("SSH_AUTH_SOCK", agent.socket().toString());
      try (JarRun only =
          run(env, "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=" + twentieth + ".pub")) {
        only.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(only.err().lines().filter(l -> l.contains("offering "))).hasSize(1);
        assertThat(only.err()).contains("accepted key " + twentieth + ".pub (agent)");
        assertThat(only.stop()).isZero();
      }
      try (JarRun all = run(env)) { // every agent key, in the agent's order: sshd stops at 6
        assertThat(all.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(all.err()).contains("authentication failed");
      }
    }
  }

  @Test
  void agentHoldsTheNamedKeyFile_itIsOfferedFirstAndItsPassphraseNeverAsked() throws Exception {
    try (SshAgent agent = SshAgent.start()) {
      Path other = key("other");
      agent.add(other);
      agent.add(sshd.clientKey());
      try (JarRun run =
          run(
              Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
              "-i",
              sshd.clientKey().toString())) {
        run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        List<String> offered = run.err().lines().filter(l -> l.contains("offering ")).toList();
        assertThat(offered.get(0)).contains("offering key " + sshd.clientKey() + " (agent)");
        assertThat(run.stop()).isZero();
      }
    }
  }

  @Test
  void agentRefusesToSign_keyAddedWithConfirm_exits3SayingSo() throws Exception {
    try (SshAgent agent = SshAgent.start()) {
      agent.add(sshd.clientKey(), "-c");
      try (JarRun run = run(Map.of("SSH_AUTH_SOCK", agent.socket().toString()))) {
        assertThat(run.exitCode(Duration.ofSeconds(60))).isEqualTo(3);
        assertThat(run.err())
            .contains("refused to sign with agent key 'portkeep-test'")
            .contains("hint: a key added with ssh-add -c needs each use confirmed");
      }
    }
  }

  @Test
  void agentRefusesToSignTheFirstKey_theNextKeyLogsIn() throws Exception {
    try (SshAgent agent = SshAgent.start()) {
      agent.add(sshd.clientKey(), "-c");
      Path file = key("file-key");
      sshd.authorize(Files.readString(Path.of(file + ".pub")));
      try (JarRun run =
          run(Map.of("SSH_AUTH_SOCK", agent.socket().toString()), "-i", file.toString())) {
        run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(run.err())
            .contains("refused to sign with agent key 'portkeep-test'")
            .contains("trying the next key")
            .contains("accepted key " + file);
        assertThat(run.stop()).isZero();
      }
    }
  }

  @Test
  void identityAgentPointingToNothing_warnsThenUsesTheKeyFiles() throws Exception {
    Path missing = home.resolve("no-agent.sock");
    try (JarRun run =
        run(Map.of(), "-o", "IdentityAgent=" + missing, "-i", sshd.clientKey().toString())) {
      run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
      assertThat(run.err())
          .contains(
              "cannot use the agent at '"
                  + missing
                  + "' (IdentityAgent): no such socket; using key files only");
      assertThat(run.stop()).isZero();
    }
  }

  @Test
  void identityAgentThatIsNotAnAgent_warnsThenUsesTheKeyFiles() throws Exception {
    Path sock = home.resolve("web.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Thread.ofVirtual().start(() -> answerGarbage(server));
      try (JarRun run =
          run(Map.of(), "-o", "IdentityAgent=" + sock, "-i", sshd.clientKey().toString())) {
        run.await("forwarding 127.0.0.1:", Duration.ofSeconds(30));
        assertThat(run.err()).contains("'" + sock + "' is not an SSH agent");
        assertThat(run.stop()).isZero();
      }
    }
  }

  private static void answerGarbage(ServerSocketChannel server) {
    while (server.isOpen()) {
      try (SocketChannel c = server.accept()) {
        c.read(ByteBuffer.allocate(64));
        c.write(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes()));
      } catch (IOException e) {
        return;
      }
    }
  }
}
