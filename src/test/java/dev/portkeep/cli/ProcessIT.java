package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shipped jar as a real process: SIGTERM closes the listeners and exits 0. */
@Timeout(60)
class ProcessIT {
  static final Path JAR = Path.of("target/portkeep.jar");

  @Test
  void sigterm_closesListenersAndExits0() throws Exception {
    try (OpenSshServer sshd = OpenSshServer.start();
        EchoServer echo = EchoServer.start()) {
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  JAR.toString(),
                  "-N",
                  "-L",
                  "127.0.0.1:0:127.0.0.1:" + echo.port(),
                  "-p",
                  String.valueOf(sshd.port()),
                  "-i",
                  sshd.clientKey().toString(),
                  "-o",
                  "UserKnownHostsFile=" + sshd.knownHostsFile(),
                  sshd.user() + "@127.0.0.1")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("forwarding 127.0.0.1:");
      int port = Integer.parseInt(line.split(" ")[1].split(":")[1]);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.getOutputStream().write(9);
        assertThat(s.getInputStream().read()).isEqualTo(9);
      }
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(dev.portkeep.bind.BindProbe.listening("/proc/net/tcp", port)).isEmpty();
    }
  }
}
