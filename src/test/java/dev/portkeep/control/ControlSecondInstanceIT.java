package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ControlSecondInstanceIT {
  private static final ControlHandler NOTHING = request -> JsonNodeFactory.instance.objectNode();

  @TempDir Path temp;

  private Path socket() {
    return temp.resolve("control.sock");
  }

  private Answer ping() {
    return new ControlClient(socket(), Duration.ofSeconds(20)).exchange(new Request.Ping());
  }

  @Test
  void secondServer_inThisProcess_isRefusedWithThePid_andTheFirstGoesOn() {
    try (ControlServer first = ControlServer.start(socket(), NOTHING, "test")) {
      assertThatThrownBy(() -> ControlServer.start(socket(), NOTHING, "test"))
          .isInstanceOfSatisfying(
              ListenException.class, e -> assertThat(e.hint()).contains("--control PATH"))
          .hasMessageContaining("another portkeep up (pid " + ProcessHandle.current().pid())
          .hasMessageContaining("already uses the control socket '" + socket() + "'");
      assertThat(ping().ok()).isTrue();
    }
  }

  @Test
  void secondServer_whileAnotherProcessServes_isRefusedNamingThatPid_andAfterItsCrashBinds()
      throws Exception {
    ChildJvm child = ChildJvm.start("serve", socket().toString());
    try {
      assertThat(child.nextLine()).isEqualTo("bound " + child.pid());
      assertThatThrownBy(() -> ControlServer.start(socket(), NOTHING, "test"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("another portkeep up (pid " + child.pid() + ", running since ");
    } finally {
      child.crash();
    }
    assertThat(socket()).as("a crash leaves the socket file").exists();
    try (ControlServer after = ControlServer.start(socket(), NOTHING, "test")) {
      assertThat(((Answer.Ok) ping()).fields().get("pid").longValue())
          .isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void staleSocketFile_isReplaced() throws IOException {
    RawClient.leaveStaleSocket(socket());
    try (ControlServer server = ControlServer.start(socket(), NOTHING, "test")) {
      assertThat(ping().ok()).isTrue();
    }
  }

  @Test
  void regularFileAtThePath_isRefusedAndKept() throws IOException {
    Files.writeString(socket(), "notes");
    assertThatThrownBy(() -> ControlServer.start(socket(), NOTHING, "test"))
        .isInstanceOf(ListenException.class)
        .hasMessageContaining("a file that is not a socket is there");
    assertThat(socket()).hasContent("notes");
  }

  @Test
  void missingFolder_isAUsageErrorNamingIt() {
    Path socket = temp.resolve("absent").resolve("control.sock");
    assertThatThrownBy(() -> ControlServer.start(socket, NOTHING, "test"))
        .isInstanceOfSatisfying(
            UsageException.class, e -> assertThat(e.hint()).contains("--control PATH"))
        .hasMessageContaining(
            "'" + temp.resolve("absent") + "' is not a folder this user can enter");
  }

  @Test
  void pathTooLongForAUnixSocket_isAListenErrorNamingIt() {
    Path socket = temp.resolve("s".repeat(120));
    assertThatThrownBy(() -> ControlServer.start(socket, NOTHING, "test"))
        .isInstanceOf(ListenException.class)
        .hasMessageContaining("cannot bind the control socket '" + socket + "'")
        .hasMessageContaining("too long");
  }

  @Test
  void foreignListenerThatDoesNotAnswer_isRefusedAndKept() throws IOException {
    try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      foreign.bind(UnixDomainSocketAddress.of(socket()));
      assertThatThrownBy(() -> ControlServer.start(socket(), NOTHING, "test"))
          .isInstanceOf(ListenException.class)
          .hasMessageContaining("held by a process that does not answer as portkeep")
          .hasMessageContaining("did not answer");
      assertThat(socket()).exists();
    }
  }

  @Test
  void racingProcesses_onAStaleSocket_exactlyOneBindsAndTheOthersNameIt() throws Exception {
    RawClient.leaveStaleSocket(socket());
    List<ChildJvm> children = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        children.add(ChildJvm.start("serve", socket().toString(), "--wait-go"));
      }
      for (ChildJvm child : children) {
        assertThat(child.nextLine()).isEqualTo("ready");
      }
      for (ChildJvm child : children) {
        child.println("go");
      }
      List<String> results = new ArrayList<>();
      for (ChildJvm child : children) {
        results.add(child.nextLine());
      }
      List<String> bound = results.stream().filter(r -> r.startsWith("bound ")).toList();
      assertThat(bound).as("results %s", results).hasSize(1);
      String winner = bound.getFirst().substring("bound ".length());
      assertThat(results)
          .filteredOn(r -> !r.startsWith("bound "))
          .hasSize(2)
          .allMatch(
              r -> r.startsWith("refused another portkeep up (pid " + winner + ","),
              "name the winner");
      assertThat(((Answer.Ok) ping()).fields().get("pid").asText()).isEqualTo(winner);
    } finally {
      for (ChildJvm child : children) {
        child.close();
      }
    }
  }
}
