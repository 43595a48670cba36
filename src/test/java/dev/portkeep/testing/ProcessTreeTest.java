package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProcessTreeTest {
  @Test
  void killTree_shellWithBackgroundChildren_killsEveryDescendant() throws Exception {
    Process shell =
        new ProcessBuilder("sh", "-c", "sleep 60 & sleep 60 & (sleep 60 & wait) & wait").start();
    try {
      List<Long> tree = awaitDescendants(shell.pid(), 4);

      List<Long> killed = ProcessTree.killTree(shell.pid());

      assertThat(killed).startsWith(shell.pid()).containsAll(tree);
      assertThat(ProcessTree.awaitDeath(killed, Duration.ofSeconds(5))).isTrue();
      assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      shell.destroyForcibly();
    }
  }

  @Test
  void terminateTree_sleepingChild_endsItWithSigterm() throws Exception {
    Process shell = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
    try {
      List<Long> tree = awaitDescendants(shell.pid(), 1);

      ProcessTree.terminateTree(shell.pid(), Duration.ofSeconds(5));

      assertThat(ProcessTree.awaitDeath(tree, Duration.ofSeconds(5))).isTrue();
      assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(shell.exitValue()).isEqualTo(143); // 128 + SIGTERM
    } finally {
      shell.destroyForcibly();
    }
  }

  @Test
  void isAlive_thisJvm_trueAndUnknownPid_false() {
    assertThat(ProcessTree.isAlive(ProcessHandle.current().pid())).isTrue();
    assertThat(ProcessTree.isAlive(Integer.MAX_VALUE)).isFalse();
  }

  @Test
  void listensOn_ownListener_trueOnlyForItsPort() throws Exception {
    long self = ProcessHandle.current().pid();
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThat(ProcessTree.listensOn(self, socket.getLocalPort())).isTrue();
      assertThat(ProcessTree.listensOn(1, socket.getLocalPort())).isFalse();
    }
  }

  private static List<Long> awaitDescendants(long pid, int atLeast) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<Long> found = ProcessTree.descendants(pid);
    while (found.size() < atLeast) {
      assertThat(System.nanoTime()).as("descendants of %d: %s", pid, found).isLessThan(deadline);
      ProcessTree.sleep(10);
      found = ProcessTree.descendants(pid);
    }
    return found;
  }
}
