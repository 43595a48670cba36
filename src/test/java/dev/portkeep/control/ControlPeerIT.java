package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portkeep.testing.Command;
import dev.portkeep.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another user (nobody, through setpriv) against the control socket: the folder and the peer check.
 */
@Timeout(120)
class ControlPeerIT {
  private static final List<String> AS_NOBODY =
      List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
  private static final String PYTHON = "/usr/bin/python3";
  private static final String PING =
      """
      import socket, sys
      s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
      try:
          s.connect(sys.argv[1])
      except OSError as e:
          print("connect failed:", type(e).__name__)
          sys.exit(0)
      try:
          s.sendall(b'{"command":"ping"}\\n')
      except BrokenPipeError:
          pass  # refused before it read: the answer is still there to read
      data = b''
      while not data.endswith(b'\\n'):
          chunk = s.recv(4096)
          if not chunk:
              break
          data += chunk
      print(data.decode().strip())
      """;

  private Path shared; // a folder in /tmp that nobody may enter

  @BeforeEach
  void needRootAndTools() throws IOException {
    assumeTrue(ControlPaths.currentUid() == 0, "needs root to run a peer as nobody");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
    assumeTrue(Files.isExecutable(Path.of(PYTHON)), "needs " + PYTHON);
    shared = Files.createTempDirectory(Path.of("/tmp"), "pk-control-");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @AfterEach
  void removeShared() throws IOException {
    if (shared != null) {
      TestFiles.deleteTree(shared);
    }
  }

  private static String pingAsNobody(Path socket) {
    List<String> argv = new java.util.ArrayList<>(AS_NOBODY);
    argv.addAll(List.of(PYTHON, "-c", PING, socket.toString()));
    return Command.run(Duration.ofSeconds(30), argv).orThrow().stdout().strip();
  }

  private static ControlServer serve(Path socket) {
    return ControlServer.start(socket, request -> JsonNodeFactory.instance.objectNode(), "test");
  }

  @Test
  void nobody_throughThe0700Folder_cannotConnect() {
    Path folder = ControlPaths.ensurePrivate(shared.resolve("portkeep-0"), 0);
    Path socket = folder.resolve(ControlPaths.SOCKET_NAME);
    try (ControlServer server = serve(socket)) {
      assertThat(pingAsNobody(socket)).isEqualTo("connect failed: PermissionError");
      assertThat(
              new ControlClient(socket, Duration.ofSeconds(10)).exchange(new Request.Ping()).ok())
          .as("root, the owner, still gets in")
          .isTrue();
    }
  }

  @Test
  void nobody_throughAnOpenFolderAndSocket_isRefusedNotSameUser() throws IOException {
    Path socket = shared.resolve(ControlPaths.SOCKET_NAME);
    try (ControlServer server = serve(socket)) {
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
      var answer = new ObjectMapper().readTree(pingAsNobody(socket));
      assertThat(answer.get("ok").booleanValue()).isFalse();
      assertThat(answer.at("/error/kind").textValue()).isEqualTo("not_same_user");
      assertThat(answer.at("/error/message").textValue())
          .contains("you are user 'nobody', this portkeep up runs as 'root'");
    }
  }

  @Test
  void nobody_withTheOwnerOnlySocketFile_cannotConnectEvenInAnOpenFolder() {
    Path socket = shared.resolve(ControlPaths.SOCKET_NAME);
    try (ControlServer server = serve(socket)) {
      assertThat(pingAsNobody(socket)).isEqualTo("connect failed: PermissionError");
    }
  }

  @Test
  void controlClient_asNobody_saysPermissionDeniedNotNotRunning() throws Exception {
    Path folder = ControlPaths.ensurePrivate(shared.resolve("portkeep-0"), 0);
    Path socket = folder.resolve(ControlPaths.SOCKET_NAME);
    Path classes = Files.createDirectories(shared.resolve("classes/dev/portkeep/control"));
    Files.copy(
        Path.of("target/test-classes/dev/portkeep/control/ControlProcess.class"),
        classes.resolve("ControlProcess.class"));
    Path jar = Files.copy(Path.of("target/portkeep.jar"), shared.resolve("portkeep.jar"));
    try (ControlServer server = serve(socket);
        ChildJvm client =
            ChildJvm.start(AS_NOBODY, jar, shared.resolve("classes"), "send", socket.toString())) {
      assertThat(client.nextLine())
          .startsWith("failed UsageException: cannot talk to the control socket '" + socket + "'")
          .contains("Permission denied");
    }
  }
}
