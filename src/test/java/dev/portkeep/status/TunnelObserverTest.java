package dev.portkeep.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.ForwardSyntax;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.UnreachableException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status of a tunnel as its events tell it, on a clock the test sets. */
class TunnelObserverTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private final MutableClock clock = new MutableClock(T0);
  private final List<StateChange> changes = new ArrayList<>();
  private final TunnelObserver observer = new TunnelObserver("files", clock, changes::add);
  private final ForwardSpec.Local local = ForwardSyntax.parseLocal("127.0.0.2:445:fs:445");
  private final ForwardSpec.Remote remote = ForwardSyntax.parseRemote("0:localhost:22");
  private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private void up() {
    observer.starting("alice@gw:22", List.of(local, remote));
    observer.connecting("alice@gw:22", 1);
    clock.advance(Duration.ofSeconds(1));
    observer.connected("alice@gw:22", new SessionInfo("SSH-2.0-OpenSSH_9.2", "aes128-gcm"));
  }

  @Test
  void connected_afterStarting_isUpSinceThenWithTheSession() {
    up();

    TunnelSnapshot s = observer.snapshot();
    assertThat(s.state()).isEqualTo(TunnelState.UP);
    assertThat(s.since()).isEqualTo(T0.plusSeconds(1));
    assertThat(s.session()).contains(new SessionInfo("SSH-2.0-OpenSSH_9.2", "aes128-gcm"));
    assertThat(s.reconnects()).isZero();
    assertThat(changes)
        .extracting(StateChange::current)
        .containsExactly(TunnelState.CONNECTING, TunnelState.UP);
  }

  @Test
  void lostThenFailedAttemptThenConnected_countsOneReconnectAndKeepsTheLoss() {
    up();
    LossReason loss = new LossReason(LossReason.Kind.KEEPALIVE_TIMEOUT, "3 unanswered");
    observer.lost("alice@gw:22", loss);
    observer.connecting("alice@gw:22", 1);
    observer.reconnectFailed(
        "alice@gw:22",
        1,
        Duration.ofSeconds(1),
        new UnreachableException("cannot reach gw", "check it", null),
        Duration.ofSeconds(2));

    TunnelSnapshot during = observer.snapshot();
    assertThat(during.state()).isEqualTo(TunnelState.RECONNECTING);
    assertThat(during.attempt()).contains(1);
    assertThat(during.nextTry()).contains(T0.plusSeconds(3));
    assertThat(during.lastLoss()).contains(loss);
    assertThat(during.lastError()).map(Problem::kind).contains(Problem.Kind.UNREACHABLE);
    assertThat(during.session()).isEmpty();

    observer.connected("alice@gw:22", new SessionInfo("v", "c"));
    assertThat(observer.snapshot().reconnects()).isEqualTo(1);
    assertThat(observer.snapshot().lastLoss()).contains(loss);
  }

  @Test
  void ended_hostKey_isFailedWithTheKindAndNoNextTry() {
    up();
    observer.lost("alice@gw:22", new LossReason(LossReason.Kind.CONNECTION_CLOSED, ""));
    observer.ended("alice@gw:22", AuthException.hostKey("HOST KEY CHANGED for gw", "check it"));

    TunnelSnapshot s = observer.snapshot();
    assertThat(s.state()).isEqualTo(TunnelState.FAILED);
    assertThat(s.lastError()).map(Problem::kind).contains(Problem.Kind.HOST_KEY);
    assertThat(s.nextTry()).isEmpty();
  }

  @Test
  void connectionsAndRefusals_areCountedPerForward_andRemoteOnlyOnceItsCountersAreKnown() {
    up();
    observer.forwardUp(local, List.of("127.0.0.2:445"));
    observer.forwardUp(remote, List.of("*:34567"));
    observer.counters(local, () -> new ForwardCounters(100, 2000));
    observer.connectionOpened(local, client);
    observer.connectionOpened(local, client);
    observer.connectionClosed(local, client, 100, 2000);
    observer.channelRefused(
        local,
        client,
        ChannelFailure.ADMINISTRATIVELY_PROHIBITED,
        new IOException("administratively prohibited"));

    ForwardSnapshot l = observer.snapshot().forwards().get(0);
    assertThat(l.open()).contains(1L);
    assertThat(l.total()).contains(2L);
    assertThat(l.bytesUp()).contains(100L);
    assertThat(l.bytesDown()).contains(2000L);
    assertThat(l.failures()).containsEntry(ChannelFailure.ADMINISTRATIVELY_PROHIBITED, 1L);
    assertThat(l.lastError()).map(Problem::kind).contains(Problem.Kind.ADMINISTRATIVELY_PROHIBITED);
    ForwardSnapshot r = observer.snapshot().forwards().get(1);
    assertThat(r.listen()).containsExactly("*:34567");
    assertThat(r.open()).isEmpty();
    assertThat(r.bytesUp()).isEmpty();

    observer.counters(remote, () -> new ForwardCounters(7, 9));
    observer.connectionOpened(remote, client);
    ForwardSnapshot counted = observer.snapshot().forwards().get(1);
    assertThat(counted.open()).contains(1L);
    assertThat(counted.total()).contains(1L);
    assertThat(counted.bytesUp()).contains(7L);
    assertThat(counted.bytesDown()).contains(9L);
  }

  @Test
  void failingProbe_degradesTheForwardAndAnAnswerRestoresIt() {
    up();
    observer.forwardUp(local, List.of("127.0.0.2:445"));

    observer.probed(local, new ProbeOutcome.Failed(Duration.ofMillis(30), "connect failed"));
    ForwardSnapshot degraded = observer.snapshot().forwards().get(0);
    assertThat(degraded.state()).isEqualTo(ForwardSnapshot.ForwardState.DEGRADED);
    assertThat(degraded.lastError()).map(Problem::kind).contains(Problem.Kind.PROBE);
    assertThat(observer.snapshot().state()).isEqualTo(TunnelState.UP);

    observer.probed(local, new ProbeOutcome.Answered(Duration.ofMillis(5), "SMB 3.1.1"));
    assertThat(observer.snapshot().forwards().get(0).state())
        .isEqualTo(ForwardSnapshot.ForwardState.ACTIVE);
  }

  @Test
  void stopped_thenLateSessionEvents_stayStopped() {
    up();
    observer.stopped("stopped by the user");
    observer.connected("alice@gw:22", new SessionInfo("v", "c"));
    observer.lost("alice@gw:22", new LossReason(LossReason.Kind.ERROR, ""));

    assertThat(observer.snapshot().state()).isEqualTo(TunnelState.STOPPED);
    assertThat(observer.snapshot().forwards())
        .allMatch(f -> f.state() == ForwardSnapshot.ForwardState.STOPPED);
  }

  @Test
  void aListenerThatThrows_isGuardedAndTheOthersStillHear() {
    List<String> heard = new ArrayList<>();
    TunnelEvents thrower =
        new TunnelEvents() {
          @Override
          public void connecting(String server, int attempt) {
            throw new IllegalStateException("a broken listener");
          }
        };
    TunnelEvents recorder =
        new TunnelEvents() {
          @Override
          public void connecting(String server, int attempt) {
            heard.add(server + " " + attempt);
          }
        };

    TunnelEvents.guarded(thrower, recorder).connecting("gw", 2);

    assertThat(heard).containsExactly("gw 2");
  }

  @Test
  void smb_isShownOnItsForwardInStatusJson_andGoneWhenTheNextRunStarts() {
    up();
    SmbAccess access =
        new SmbAccess(
            Optional.of("data"),
            List.of(
                new SmbAccess.ClientCommand(
                    "linux", "smbclient //127.0.0.2/data", Optional.empty()),
                new SmbAccess.ClientCommand(
                    "windows", "net use \\\\127.0.0.2\\data", Optional.of("a note"))));
    observer.smb(local, access);

    JsonNode forwards = StatusJson.tunnel(observer.snapshot()).path("forwards");
    JsonNode smb = forwards.get(0).path("smb");
    assertThat(smb.path("share").asText()).isEqualTo("data");
    assertThat(smb.path("commands").get(0).path("os").asText()).isEqualTo("linux");
    assertThat(smb.path("commands").get(0).path("command").asText())
        .isEqualTo("smbclient //127.0.0.2/data");
    assertThat(smb.path("commands").get(0).path("note").isNull()).isTrue();
    assertThat(smb.path("commands").get(1).path("note").asText()).isEqualTo("a note");
    assertThat(forwards.get(1).path("smb").isNull()).as("the -R forward's smb").isTrue();

    observer.starting("alice@gw:22", List.of(local, remote));

    assertThat(observer.snapshot().forwards()).allMatch(f -> f.smb().isEmpty());
  }

  @Test
  void smb_noShare_isNullInStatusJson() {
    up();
    observer.smb(local, new SmbAccess(Optional.empty(), List.of()));

    JsonNode smb = StatusJson.tunnel(observer.snapshot()).path("forwards").get(0).path("smb");
    assertThat(smb.has("share")).isTrue();
    assertThat(smb.path("share").isNull()).isTrue();
  }
}
