package dev.portkeep.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portkeep.error.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardSyntaxTest {

  @Test
  void parseLocal_threeFields_bindsLoopback() {
    ForwardSpec.Local spec = ForwardSyntax.parseLocal("8080:db.internal:5432");
    assertThat(spec.bind()).isInstanceOf(BindAddress.Loopback.class);
    assertThat(spec.port()).isEqualTo(8080);
    assertThat(spec.target()).isEqualTo(new Endpoint("db.internal", 5432));
  }

  @Test
  void parseLocal_bracketedIpv6Bind_keepsAddressWithoutBrackets() {
    ForwardSpec.Local spec = ForwardSyntax.parseLocal("[::1]:1445:fileserver:445");
    assertThat(spec.bind()).isEqualTo(new BindAddress.Literal("::1", AddressFamily.INET6));
    assertThat(spec.listenText()).isEqualTo("[::1]:1445");
  }

  @Test
  void parseLocal_bracketedIpv6Target_isUnbracketed() {
    ForwardSpec.Local spec = ForwardSyntax.parseLocal("8080:[fd00::5]:80");
    assertThat(spec.target().host()).isEqualTo("fd00::5");
    assertThat(spec.targetText()).isEqualTo("[fd00::5]:80");
  }

  @ParameterizedTest
  @CsvSource({"'*:8080:h:80'", "':8080:h:80'"})
  void parseLocal_starOrEmptyBind_meansAllInterfaces(String text) {
    assertThat(ForwardSyntax.parseLocal(text).bind()).isInstanceOf(BindAddress.AllInterfaces.class);
  }

  @Test
  void parseLocal_localhostBind_meansLoopback() {
    assertThat(ForwardSyntax.parseLocal("localhost:8080:h:80").bind())
        .isInstanceOf(BindAddress.Loopback.class);
  }

  @Test
  void parseLocal_ipv4Bind_isIpv4Literal() {
    assertThat(ForwardSyntax.parseLocal("127.0.0.2:445:fs:445").bind())
        .isEqualTo(new BindAddress.Literal("127.0.0.2", AddressFamily.INET));
  }

  @Test
  void parseLocal_hostNameBind_staysAName() {
    assertThat(ForwardSyntax.parseLocal("myhost.lan:8080:h:80").bind())
        .isEqualTo(new BindAddress.HostName("myhost.lan"));
  }

  @Test
  void parseLocal_portZero_isAllowedForAnyFreePort() {
    assertThat(ForwardSyntax.parseLocal("0:h:80").port()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "65536:h:80, '65536'",
    "-1:h:80, '-1'",
    "80x:h:80, '80x'",
    "blah2000:h:80, 'blah2000'",
    "8080:h:0, '0'",
    "8080:h:99999, '99999'",
    "8080:h:, ''",
  })
  void parseLocal_badPort_rejectsNamingTheValue(String spec, String bad) {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal(spec))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid port '" + bad + "'")
        .hasMessageContaining("-L " + spec);
  }

  @Test
  void parseLocal_unbracketedIpv6_saysHowToWriteIt() {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("::1:8080:h:80"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("ambiguous IPv6 address")
        .satisfies(e -> assertThat(((UsageException) e).hint()).contains("-L [::1]:8080:h:80"));
  }

  @Test
  void parseLocal_missingField_namesTheExpectedForm() {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("8080:h"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("bad forwarding spec '-L 8080:h'")
        .hasMessageContaining("[bind_address:]port:host:hostport");
  }

  @Test
  void parseLocal_unbalancedBracket_isRejected() {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("[::1:8080:h:80"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unbalanced brackets");
  }

  @Test
  void parseLocal_emptyTargetHost_isRejected() {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("8080::80"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("empty host");
  }

  @Test
  void parseLocal_hostLongerThanOpenSshAllows_isRejected() {
    String host = "a".repeat(1025);
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("8080:" + host + ":80"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("host name too long (1025 > 1024)");
  }

  /** Found by the fuzzer: Character.isDigit and Integer.parseInt take every script's digits. */
  @Test
  void parseLocal_arabicIndicOrDevanagariDigitsAsPort_rejectsNamingTheValue() {
    assertThatThrownBy(() -> ForwardSyntax.parseLocal("\u0668\u0660\u0668\u0660:db:5432"))
        .isInstanceOf(dev.portkeep.error.UsageException.class)
        .hasMessageContaining("invalid port '\u0668\u0660\u0668\u0660'");
    assertThatThrownBy(() -> ForwardSyntax.parseLocal(":2222:host:\u096922"))
        .hasMessageContaining("invalid port '\u096922'");
    assertThatThrownBy(() -> ForwardSyntax.parseDynamic("\uFF11\uFF10\uFF18\uFF10"))
        .hasMessageContaining("invalid port");
  }
}
