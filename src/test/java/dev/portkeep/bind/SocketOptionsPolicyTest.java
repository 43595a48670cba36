package dev.portkeep.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SocketOptionsPolicyTest {

  @ParameterizedTest
  @CsvSource({
    "Linux, LINUX, true",
    "Windows 11, WINDOWS, false",
    "Mac OS X, MACOS, true",
    "FreeBSD, OTHER_UNIX, true"
  })
  void forOsName_decidesReuseAddressPerOs(String os, SocketOptionsPolicy expected, boolean reuse) {
    SocketOptionsPolicy policy = SocketOptionsPolicy.forOsName(os);
    assertThat(policy).isEqualTo(expected);
    assertThat(policy.reuseAddress()).isEqualTo(reuse);
  }

  @ParameterizedTest
  @ValueSource(strings = {"false", "no", "0"})
  void requireExclusiveBind_windowsWithExclusiveBindOff_refusesToStart(String value) {
    assertThatThrownBy(() -> SocketOptionsPolicy.WINDOWS.requireExclusiveBind(value))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("-Dsun.net.useExclusiveBind=" + value)
        .hasMessageContaining("another program could take over");
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "TRUE", ""})
  void requireExclusiveBind_windowsWithExclusiveBindOn_passes(String value) {
    assertThatCode(() -> SocketOptionsPolicy.WINDOWS.requireExclusiveBind(value))
        .doesNotThrowAnyException();
    assertThatCode(() -> SocketOptionsPolicy.WINDOWS.requireExclusiveBind(null))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"false"})
  void requireExclusiveBind_linux_ignoresTheWindowsOnlyProperty(String value) {
    assertThatCode(() -> SocketOptionsPolicy.LINUX.requireExclusiveBind(value))
        .doesNotThrowAnyException();
  }
}
