package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.Environment;
import dev.portkeep.config.Flags;
import dev.portkeep.config.Plans;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.status.SessionInfo;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.testing.Await;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tunnel that reconnects again and again leaves nothing of its dead sessions behind: the SSH
 * library's client threads stay as many as one session needs.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectLeakIT {
  @TempDir Path home;

  private static long sshClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("sshd-SshClient"))
        .count();
  }

  @Test
  void fiveReconnects_leaveTheClientThreadsOfOneSession() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      Flags flags =
          Flags.of(
              sshd.user() + "@127.0.0.1",
              List.of("127.0.0.1:0:127.0.0.1:" + echo.port()),
              List.of(
                  "Port=" + sshd.port(),
                  "IdentityFile=" + sshd.clientKey(),
                  "UserKnownHostsFile=" + sshd.knownHostsFile()));
      TunnelPlan plan = Plans.fromFlags(flags, new Environment(home, "tester", false));
      AtomicInteger connected = new AtomicInteger();
      TunnelEvents count =
          new TunnelEvents() {
            @Override
            public void connected(String server, SessionInfo session) {
              connected.incrementAndGet();
            }
          };
      try (Tunnel tunnel = Tunnel.open(plan, Prompts.NONE, Listeners.system(), count)) {
        long oneSession = sshClientThreads();
        assertThat(oneSession).isPositive();
        for (int i = 2; i <= 6; i++) {
          sshd.kill();
          sshd.restart();
          int expected = i;
          Await.until(
              "session " + expected,
              Duration.ofSeconds(60),
              () -> connected.get() >= expected,
              () -> "connected " + connected.get());
        }
        Await.until(
            "the dead sessions' client threads gone",
            Duration.ofSeconds(30),
            () -> sshClientThreads() <= oneSession,
            () -> sshClientThreads() + " threads, " + oneSession + " for one session");
        int port = tunnel.bound().get(0).address().getPort();
        assertThat(EchoServer.echoesThrough(port, Duration.ofSeconds(5))).isTrue();
      }
    }
  }
}
