package dev.portkeep.bind.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.bind.rules.Caller;
import dev.portkeep.bind.rules.Principal;
import dev.portkeep.bind.rules.Privilege;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinuxCallerTest {
  private static String status(String uids, String capEff) {
    return "Name:\tjava\nUid:\t"
        + uids
        + "\nGid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\n"
        + "CapPrm:\t000001ffffffffff\nCapEff:\t"
        + capEff
        + "\n";
  }

  @Test
  void fromStatus_rootWithAllCapabilities_isPrivileged() {
    Caller caller =
        LinuxCaller.fromStatus(status("0\t0\t0\t0", "000001ffffffffff"), Map.of(0, "root"));

    assertThat(caller)
        .isEqualTo(new Caller(new Principal.LinuxUser(0, "root"), Privilege.PRIVILEGED));
  }

  @Test
  void fromStatus_rootWithoutNetBindService_isUnprivileged() {
    long withoutBit10 = 0x1ffffffffffL & ~(1L << 10);
    Caller caller =
        LinuxCaller.fromStatus(status("0\t0\t0\t0", Long.toHexString(withoutBit10)), Map.of());

    assertThat(caller.privilege()).isEqualTo(Privilege.UNPRIVILEGED);
  }

  @Test
  void fromStatus_userWithOnlyNetBindService_isPrivilegedUnderEffectiveUid() {
    Caller caller =
        LinuxCaller.fromStatus(
            status("1000\t1001\t1001\t1001", "0000000000000400"), Map.of(1001, "svc"));

    assertThat(caller)
        .isEqualTo(new Caller(new Principal.LinuxUser(1001, "svc"), Privilege.PRIVILEGED));
  }

  @Test
  void fromStatus_missingCapabilityLine_rejects() {
    assertThatThrownBy(() -> LinuxCaller.fromStatus("Uid:\t0\t0\t0\t0\n", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CapEff");
  }

  @Test
  void current_thisJvm_matchesItsUserName() throws IOException {
    Caller caller = LinuxCaller.current();

    assertThat(caller.principal())
        .isInstanceOfSatisfying(
            Principal.LinuxUser.class,
            user -> assertThat(user.name()).isEqualTo(System.getProperty("user.name")));
  }

  @Test
  void passwd_parse_mapsUidsToNamesAndSkipsJunk() {
    Map<Integer, String> names =
        Passwd.parse(
            "root:x:0:0::/:/bin/sh\n# comment\nbad line\n"
                + "svc:x:notanumber:1::/:/bin/false\nalice:x:1000:1000::/home/alice:/bin/bash\n");

    assertThat(names).containsExactlyInAnyOrderEntriesOf(Map.of(0, "root", 1000, "alice"));
  }
}
