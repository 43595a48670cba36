package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.SessionSettings;
import dev.portkeep.config.StrictHostKeyChecking;
import dev.portkeep.error.AuthException;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.status.TunnelEvents;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end of a striped tunnel is one future, made once, however often it is asked for. */
class StripedOpenerTest {
  @TempDir Path home;

  private SessionSupervisor supervisor() {
    SessionSettings settings =
        SessionSettings.direct(
            "127.0.0.1",
            22,
            "tester",
            List.of(),
            List.of(home.resolve("known_hosts")),
            StrictHostKeyChecking.YES);
    return SessionSupervisor.system(new SshConnector(settings, Prompts.NONE), TunnelEvents.NONE);
  }

  /** The leak of issue 11: each call subscribed a new future to every supervisor. */
  @Test
  void ended_askedAThousandTimes_isOneFutureWithOneSubscriptionPerSupervisor() {
    SessionSupervisor a = supervisor();
    SessionSupervisor b = supervisor();
    StripedOpener opener = new StripedOpener(List.of(a, b));

    var first = opener.ended();
    for (int i = 0; i < 1000; i++) {
      assertThat(opener.ended()).isSameAs(first);
    }

    assertThat(a.ended().getNumberOfDependents()).isEqualTo(1);
    assertThat(b.ended().getNumberOfDependents()).isEqualTo(1);
  }

  @Test
  void ended_oneSupervisorEnds_completesWithItsError() {
    SessionSupervisor a = supervisor();
    SessionSupervisor b = supervisor();
    StripedOpener opener = new StripedOpener(List.of(a, b));
    AuthException fatal = new AuthException("refused", "fix it");

    b.ended().complete(fatal);

    assertThat(opener.ended()).isCompletedWithValue(fatal);
  }
}
