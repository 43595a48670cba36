package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.cli.CliRun;
import dev.portkeep.testing.EchoServer;
import dev.portkeep.testing.OpenSshServer;
import dev.portkeep.testing.Payloads;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK-based chacha20-poly1305@openssh.com against a real OpenSSH that offers nothing else. */
class ChaCha20InteropIT {
  @TempDir Path home;

  @Test
  void chachaOnlyServer_tunnelCarries16MiBIntact() throws Exception {
    try (OpenSshServer sshd =
            OpenSshServer.builder().extraConfig("Ciphers chacha20-poly1305@openssh.com").start();
        EchoServer echo = EchoServer.start()) {
      CliRun run =
          CliRun.start(
              home,
              "-v",
              "-L",
              "127.0.0.1:0:127.0.0.1:" + echo.port(),
              "-p",
              String.valueOf(sshd.port()),
              "-i",
              sshd.clientKey().toString(),
              "-o",
              "UserKnownHostsFile=" + sshd.knownHostsFile(),
              "root@127.0.0.1");
      String out = run.awaitOut("forwarding", Duration.ofSeconds(20));
      int port =
          Integer.parseInt(out.replaceAll("(?s).*forwarding 127\\.0\\.0\\.1:(\\d+).*", "$1"));
      byte[] payload = Payloads.bytes(16 << 20, 3);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        Thread writer =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        s.getOutputStream().write(payload);
                      } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    });
        byte[] back = s.getInputStream().readNBytes(payload.length);
        writer.join();
        assertThat(Payloads.sha256(back)).isEqualTo(Payloads.sha256(payload));
      }
      assertThat(run.stop()).isZero();
    }
  }
}
