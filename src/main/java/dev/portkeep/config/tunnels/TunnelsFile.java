package dev.portkeep.config.tunnels;

import dev.portkeep.config.Environment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The tunnels file: its global settings and its tunnels in the file's order. Names are unique
 * ignoring case, so {@link #tunnel} finds a name however it is typed.
 */
public record TunnelsFile(Path path, Globals globals, List<TunnelDef> tunnels) {
  public static final String FILE_NAME = "tunnels.toml";

  public TunnelsFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(globals, "globals");
    tunnels = List.copyOf(tunnels);
    Map<String, String> seen = new HashMap<>();
    for (TunnelDef t : tunnels) {
      String before = seen.putIfAbsent(t.name().toLowerCase(Locale.ROOT), t.name());
      if (before != null) {
        throw new IllegalArgumentException("tunnel names " + before + " and " + t.name());
      }
    }
  }

  /**
   * Reads and checks {@code file}, and the ssh_config it names (or {@code ~/.ssh/config}).
   *
   * @throws dev.portkeep.error.UsageException naming the file, line and key of the first mistake
   */
  public static TunnelsFile read(Path file, Environment env) {
    return TunnelsFileReader.read(file, env);
  }

  /** True when the file defines no tunnel at all: valid, but {@code up} has nothing to run. */
  public boolean isEmpty() {
    return tunnels.isEmpty();
  }

  /** The tunnel of this name, compared without case. */
  public Optional<TunnelDef> tunnel(String name) {
    return tunnels.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst();
  }

  public List<String> names() {
    return tunnels.stream().map(TunnelDef::name).toList();
  }

  /** The tunnels {@code up} starts. */
  public List<TunnelDef> enabled() {
    return tunnels.stream().filter(TunnelDef::enabled).toList();
  }

  /** The hook that runs for {@code tunnel}'s state changes: its own, else the global one. */
  public Optional<String> onChange(TunnelDef tunnel) {
    return tunnel.onChange().or(globals::onChange);
  }

  /**
   * Where the tunnels file is when {@code -c} does not say: {@code %APPDATA%\portkeep\} on Windows,
   * {@code ~/Library/Application Support/portkeep/} on macOS, else {@code
   * $XDG_CONFIG_HOME/portkeep/} when that is an absolute path (the XDG rule), else {@code
   * ~/.config/portkeep/}.
   *
   * @param osName the {@code os.name} system property
   * @param home the user's home folder
   * @param environment environment variables by name, null when unset
   */
  public static Path defaultPath(String osName, Path home, Function<String, String> environment) {
    String os = osName.toLowerCase(Locale.ROOT);
    Path folder;
    if (os.startsWith("windows")) {
      folder =
          set(environment.apply("APPDATA"))
              .map(home.getFileSystem()::getPath)
              .orElse(home.resolve("AppData").resolve("Roaming"));
    } else if (os.startsWith("mac") || os.startsWith("darwin")) {
      folder = home.resolve("Library").resolve("Application Support");
    } else {
      folder =
          set(environment.apply("XDG_CONFIG_HOME"))
              .map(home.getFileSystem()::getPath)
              .filter(Path::isAbsolute)
              .orElse(home.resolve(".config"));
    }
    return folder.resolve("portkeep").resolve(FILE_NAME);
  }

  private static Optional<String> set(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isEmpty());
  }
}
