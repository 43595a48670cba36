package dev.portkeep.config.tunnels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the tunnels file is by default, per OS, from the OS name, home and environment given. */
class DefaultPathTest {
  static final Path HOME = Path.of("/home/ann");

  @Test
  void linux_usesXdgConfigHome() {
    Path path = TunnelsFile.defaultPath("Linux", HOME, Map.of("XDG_CONFIG_HOME", "/srv/conf")::get);

    assertThat(path).isEqualTo(Path.of("/srv/conf/portkeep/tunnels.toml"));
  }

  @Test
  void linux_withoutXdgConfigHome_usesDotConfig() {
    assertThat(TunnelsFile.defaultPath("Linux", HOME, Map.<String, String>of()::get))
        .isEqualTo(Path.of("/home/ann/.config/portkeep/tunnels.toml"));
  }

  @Test
  void linux_emptyOrRelativeXdgConfigHome_isIgnoredAsTheXdgSpecSays() {
    assertThat(TunnelsFile.defaultPath("Linux", HOME, Map.of("XDG_CONFIG_HOME", "")::get))
        .isEqualTo(Path.of("/home/ann/.config/portkeep/tunnels.toml"));
    assertThat(TunnelsFile.defaultPath("FreeBSD", HOME, Map.of("XDG_CONFIG_HOME", "conf")::get))
        .isEqualTo(Path.of("/home/ann/.config/portkeep/tunnels.toml"));
  }

  @Test
  void macOs_usesApplicationSupport() {
    Path path =
        TunnelsFile.defaultPath("Mac OS X", HOME, Map.of("XDG_CONFIG_HOME", "/srv/conf")::get);

    assertThat(path)
        .isEqualTo(Path.of("/home/ann/Library/Application Support/portkeep/tunnels.toml"));
  }

  @Test
  void windows_usesAppData() {
    String appData = "C:\\Users\\ann\\AppData\\Roaming";

    Path path = TunnelsFile.defaultPath("Windows 11", HOME, Map.of("APPDATA", appData)::get);

    assertThat(path).isEqualTo(Path.of(appData).resolve("portkeep").resolve("tunnels.toml"));
  }

  @Test
  void windows_withoutAppData_usesTheRoamingFolderUnderHome() {
    assertThat(TunnelsFile.defaultPath("Windows Server 2025", HOME, Map.<String, String>of()::get))
        .isEqualTo(HOME.resolve("AppData/Roaming/portkeep/tunnels.toml"));
  }
}
