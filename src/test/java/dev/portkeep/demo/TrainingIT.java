package dev.portkeep.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.bind.Listeners;
import dev.portkeep.ssh.DemoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's training workload, small: both ciphers negotiated, every byte echoed. */
class TrainingIT {
  @TempDir Path dir;

  @Test
  void run_eachCipherInTurn_echoesEveryByteOfTheWorkload() throws Exception {
    Training.Workload small = new Training.Workload(20, 1 << 20, 3, 256 << 10);

    List<Training.Round> rounds = Training.run(Listeners.system(), small);

    assertThat(rounds)
        .extracting(Training.Round::cipher)
        .containsExactly("aes128-gcm@openssh.com", "chacha20-poly1305@openssh.com");
    assertThat(rounds)
        .allSatisfy(
            r -> {
              assertThat(r.connections()).isEqualTo(20);
              assertThat(r.bytesEchoed()).isEqualTo(20 + (1 << 20) + 3 * (256 << 10));
            });
  }

  @Test
  void demoServer_cipherItDoesNotHave_isRefusedByName() {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    assertThatThrownBy(() -> DemoServer.start(dir, target, Optional.of("rot13@example.com")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rot13@example.com");
  }
}
