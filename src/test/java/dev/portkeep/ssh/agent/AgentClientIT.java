package dev.portkeep.ssh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.testing.Command;
import dev.portkeep.testing.SshAgent;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent protocol against OpenSSH's real ssh-agent, and against sockets that are not one. */
@Timeout(60)
class AgentClientIT {
  @TempDir Path dir;
  private SshAgent agent;

  @BeforeEach
  void startAgent() {
    agent = SshAgent.start();
  }

  @AfterEach
  void stopAgent() {
    agent.close();
  }

  private Path key(String name, String type) {
    Path file = dir.resolve(name);
    Command.run(
            Duration.ofSeconds(30),
            "ssh-keygen",
            "-q",
            "-t",
            type,
            "-N",
            "",
            "-C",
            name,
            "-f",
            file.toString())
        .orThrow();
    return file;
  }

  private static byte[] blob(Path privateKey) throws IOException {
    String line = Files.readString(Path.of(privateKey + ".pub"));
    return Base64.getDecoder().decode(line.split(" ")[1]);
  }

  private AgentClient client() throws IOException {
    return AgentClient.connect(new AgentTransport.UnixSocket(agent.socket()));
  }

  @Test
  void identities_ofARealAgent_listsItsKeysInOrderWithComments() throws Exception {
    Path a = key("alpha", "ed25519");
    Path b = key("beta", "ecdsa");
    agent.add(a);
    agent.add(b);
    try (AgentClient client = client()) {
      List<AgentClient.Key> keys = client.identities();
      assertThat(keys).extracting(AgentClient.Key::comment).containsExactly("alpha", "beta");
      assertThat(keys.get(0).blob()).isEqualTo(blob(a));
      assertThat(keys.get(1).blob()).isEqualTo(blob(b));
    }
  }

  @Test
  void identities_ofAnEmptyAgent_isEmpty() throws Exception {
    try (AgentClient client = client()) {
      assertThat(client.identities()).isEmpty();
    }
  }

  @Test
  void sign_ed25519_givesASignatureTheKeyVerifies() throws Exception {
    Path a = key("alpha", "ed25519");
    agent.add(a);
    byte[] data = "to be signed".getBytes(StandardCharsets.UTF_8);
    try (AgentClient client = client()) {
      AgentClient.Signature sig = client.sign(blob(a), data, 0);
      assertThat(sig.format()).isEqualTo("ssh-ed25519");
      assertThat(verifies(BuiltinSignatures.ed25519, blob(a), data, sig)).isTrue();
      assertThat(verifies(BuiltinSignatures.ed25519, blob(a), "other".getBytes(), sig)).isFalse();
    }
  }

  @Test
  void sign_rsaWithTheSha512Flag_givesAnRsaSha2_512Signature() throws Exception {
    Path r = key("rsa", "rsa");
    agent.add(r);
    byte[] data = "rsa data".getBytes(StandardCharsets.UTF_8);
    try (AgentClient client = client()) {
      AgentClient.Signature sig = client.sign(blob(r), data, AgentClient.RSA_SHA2_512);
      assertThat(sig.format()).isEqualTo("rsa-sha2-512");
      assertThat(verifies(BuiltinSignatures.rsaSHA512, blob(r), data, sig)).isTrue();
      assertThat(client.sign(blob(r), data, AgentClient.RSA_SHA2_256).format())
          .isEqualTo("rsa-sha2-256");
    }
  }

  @Test
  void sign_keyAddedWithConfirmationNobodyGives_isARefusal() throws Exception {
    Path a = key("careful", "ed25519");
    agent.add(a, "-c");
    try (AgentClient client = client()) {
      assertThatThrownBy(() -> client.sign(blob(a), new byte[] {1}, 0))
          .isInstanceOf(AgentClient.AgentRefusal.class)
          .hasMessageContaining("refused to sign");
    }
  }

  /**
   * The Windows transports hand the same stream over a pipe, which may return any part of a message
   * per read: the framing must not care. Here the real agent's answers arrive 3 bytes at a time and
   * requests leave 5 bytes at a time.
   */
  @Test
  void identitiesAndSign_overAStreamThatMovesAFewBytesAtATime_stillWork() throws Exception {
    Path a = key("alpha", "ed25519");
    Path b = key("beta", "ed25519");
    agent.add(a);
    agent.add(b);
    SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
    socket.connect(UnixDomainSocketAddress.of(agent.socket()));
    try (AgentClient client =
        AgentClient.over(new AgentTransport.WindowsPipe("test"), new Trickle(socket))) {
      assertThat(client.identities()).hasSize(2);
      byte[] data = "trickled".getBytes(StandardCharsets.UTF_8);
      AgentClient.Signature sig = client.sign(blob(b), data, 0);
      assertThat(verifies(BuiltinSignatures.ed25519, blob(b), data, sig)).isTrue();
    }
  }

  @Test
  void connect_toASocketThatIsMissing_failsNamingNothingElse() {
    assertThatThrownBy(
            () -> AgentClient.connect(new AgentTransport.UnixSocket(dir.resolve("nothing.sock"))))
        .isInstanceOf(IOException.class);
  }

  @Test
  void identities_fromASocketThatIsNotAnAgent_isAnErrorSayingSo() throws Exception {
    Path sock = dir.resolve("web.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Thread.ofVirtual()
          .start(
              () -> {
                try (SocketChannel c = server.accept()) {
                  c.read(ByteBuffer.allocate(64));
                  c.write(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes()));
                } catch (IOException ignored) {
                  // the client has what it needs
                }
              });
      try (AgentClient client = AgentClient.connect(new AgentTransport.UnixSocket(sock))) {
        assertThatThrownBy(client::identities)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("'" + sock + "' is not an SSH agent");
      }
    }
  }

  @Test
  void transportOf_pipeAndSocketLocations_pickTheirTransport() {
    assertThat(AgentTransport.of("\\\\.\\pipe\\openssh-ssh-agent"))
        .isInstanceOf(AgentTransport.WindowsPipe.class);
    assertThat(AgentTransport.of("//./pipe/pageant.ann.1a2b"))
        .isInstanceOf(AgentTransport.WindowsPipe.class);
    assertThat(AgentTransport.of("/tmp/agent.sock")).isInstanceOf(AgentTransport.UnixSocket.class);
  }

  private static boolean verifies(
      BuiltinSignatures algorithm, byte[] keyBlob, byte[] data, AgentClient.Signature sig)
      throws Exception {
    PublicKey key = new ByteArrayBuffer(keyBlob).getRawPublicKey();
    Signature verifier = algorithm.create();
    verifier.initVerifier(null, key);
    verifier.update(null, data);
    ByteArrayBuffer encoded = new ByteArrayBuffer();
    encoded.putString(sig.format());
    encoded.putBytes(sig.bytes());
    return verifier.verify(null, encoded.getCompactData());
  }

  /** A channel that moves at most 3 bytes per read and 5 per write. */
  private record Trickle(SocketChannel inner) implements ByteChannel {
    @Override
    public int read(ByteBuffer dst) throws IOException {
      ByteBuffer part = dst.slice(dst.position(), Math.min(3, dst.remaining()));
      int n = inner.read(part);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      ByteBuffer part = src.slice(src.position(), Math.min(5, src.remaining()));
      int n = inner.write(part);
      src.position(src.position() + n);
      return n;
    }

    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
