package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code portkeep} launcher script, run by bash with a clean environment against stand-in JDKs:
 * each is a folder with a {@code release} file (or none) and a {@code bin/java} script that records
 * its arguments and, for a training run, writes the AOT cache it was asked for. The tools the
 * script needs come from a private PATH without any java on it, so the machine's own JDKs play no
 * part.
 */
@Timeout(60)
class LauncherIT {
  private static final Path LAUNCHER = Path.of("portkeep").toAbsolutePath();

  @TempDir Path tmp;
  private Path jvms;
  private Path bin;
  private Path jar;
  private Path calls;

  @BeforeEach
  void setUp() throws IOException {
    jvms = Files.createDirectories(tmp.resolve("jvm"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    // Small scripts rather than symlinks, which JUnit's temporary folder warns about.
    for (String tool :
        List.of(
            "bash", "dirname", "readlink", "find", "mkdir", "flock", "rm", "mv", "cat", "touch")) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(dir, tool))) {
          Path wrapper =
              Files.writeString(
                  bin.resolve(tool), "#!/bin/sh\nexec " + dir + "/" + tool + " \"$@\"\n");
          Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
          break;
        }
      }
    }
    Path app = Files.createDirectories(tmp.resolve("app"));
    jar = Files.writeString(app.resolve("portkeep.jar"), "not really a jar");
    calls = tmp.resolve("calls");
  }

  /**
   * A stand-in JDK: {@code release} says {@code version} (no file if null); java logs every call.
   */
  private Path jdk(String name, String version, boolean failTraining) throws IOException {
    return jdkAt(jvms.resolve(name), name, version, failTraining);
  }

  private Path jdkAt(Path where, String name, String version, boolean failTraining)
      throws IOException {
    Path home = Files.createDirectories(where.resolve("bin")).getParent();
    if (version != null) {
      Files.writeString(
          home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
    }
    String script =
        """
        #!/bin/bash
        printf '%%s %%s\\n' "%s" "$*" >>"%s"
        for a in "$@"; do
          case $a in
            -XX:AOTCacheOutput=*) %s printf cache >"${a#*=}" ;;
            -version) printf 'openjdk version "%s"\\n' >&2; printf '    java.home = %s\\n' >&2 ;;
          esac
        done
        exit 0
        """
            .formatted(
                name,
                calls,
                failTraining ? "exit 1;" : "",
                version == null ? "22.0.1" : version,
                home);
    Path java = Files.writeString(home.resolve("bin/java"), script);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private Command.Result launch(String... args) {
    return launchAt(LAUNCHER, Map.of("PORTKEEP_JAR", jar.toString()), args);
  }

  private Command.Result launchAt(Path launcher, Map<String, String> more, String... args) {
    Map<String, String> env = new TreeMap<>(more);
    env.put("PATH", bin.toString());
    env.put("HOME", tmp.toString());
    env.put("PORTKEEP_JVM_DIR", jvms.toString());
    List<String> argv = new ArrayList<>(List.of("/usr/bin/env", "-i"));
    env.forEach((k, v) -> argv.add(k + "=" + v));
    argv.add("/bin/bash");
    argv.add(launcher.toString());
    argv.addAll(List.of(args));
    return Command.run(Duration.ofSeconds(30), argv);
  }

  /** The calls the stand-in javas received since the last look, one "name args" line each. */
  private List<String> takeCalls() throws IOException {
    if (!Files.exists(calls)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(calls, StandardCharsets.UTF_8);
    Files.delete(calls);
    return lines;
  }

  /** A new build: the caches beside the jar become older than it. */
  private void jarChanged() throws IOException {
    try (var files = Files.list(jar.getParent())) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
      }
    }
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
  }

  @Test
  void picksTheNewestJdkOf21OrLater_fromItsReleaseFile_withoutRunningTheOthers() throws Exception {
    jdk("jdk-17", "17.0.9", false);
    jdk("jdk-21", "21.0.4", false);
    jdk("jdk-25", "25.0.1", false);

    Command.Result r = launch("--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> made = takeCalls();
    assertThat(made).isNotEmpty().allSatisfy(call -> assertThat(call).startsWith("jdk-25 "));
    assertThat(made.getLast()).endsWith("-jar " + jar + " --version");
  }

  @Test
  void aJdkWithoutReleaseFile_isAskedForItsVersion() throws Exception {
    jdk("odd", null, false); // answers 22.0.1 to -version

    Command.Result r = launch("--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> made = takeCalls();
    assertThat(made.getFirst()).isEqualTo("odd -XshowSettings:properties -version");
    assertThat(made.getLast())
        .contains("-XX:SharedArchiveFile=" + jar.getParent().resolve("portkeep-jdk22.jsa"));
  }

  @Test
  void onlyOldJdks_exit2_namingWhatWasFound_withAHint() throws Exception {
    jdk("jdk-17", "17.0.9", false);
    jdk("jdk-8", "1.8.0_392", false);

    Command.Result r = launch("--version");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr())
        .contains("needs a JDK 21 or newer")
        .contains("jdk-17 (17)")
        .contains("jdk-8 (8)")
        .contains("hint:");
    assertThat(takeCalls())
        .as("no JVM was started to learn versions the release files give")
        .isEmpty();
  }

  @Test
  void jdk25_trainsAnAotCacheOncePerBuild_thenRunsWithIt() throws Exception {
    jdk("jdk-25", "25.0.1", false);
    Path cache = jar.getParent().resolve("portkeep-jdk25.aot");

    Command.Result first = launch("-V");
    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(first.stderr()).contains("preparing the start-up cache");
    List<String> made = takeCalls();
    assertThat(made).hasSize(2);
    assertThat(made.get(0))
        .contains("-XX:AOTCacheOutput=")
        .doesNotContain("AOTRecordTraining")
        .endsWith("demo --no-wait --train");
    assertThat(made.get(1)).contains("-XX:AOTCache=" + cache).endsWith(" -V");
    assertThat(cache).exists();

    assertThat(launch("-V").stderr()).doesNotContain("preparing");
    assertThat(takeCalls()).singleElement().asString().contains("-XX:AOTCache=" + cache);

    jarChanged();
    launch("-V");
    made = takeCalls();
    assertThat(made).as("a new build is trained again").hasSize(2);
    assertThat(made.get(0)).contains("-XX:AOTCacheOutput=");
  }

  @Test
  void jdk25_failedTraining_runsWithoutCache_andDoesNotRetryUntilTheNextBuild() throws Exception {
    jdk("jdk-25", "25.0.1", true);
    Path cache = jar.getParent().resolve("portkeep-jdk25.aot");

    Command.Result first = launch("-V");

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    List<String> made = takeCalls();
    assertThat(made).hasSize(2);
    assertThat(made.get(1)).doesNotContain("AOTCache");
    assertThat(cache).doesNotExist();
    assertThat(jar.getParent().resolve("portkeep-jdk25.aot.failed")).exists();
    try (var left = Files.list(jar.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
    }

    launch("-V");
    assertThat(takeCalls()).singleElement().asString().doesNotContain("AOTCache");

    jarChanged();
    launch("-V");
    assertThat(takeCalls()).as("the next build is tried again").hasSize(2);
  }

  @Test
  void jdk21_usesADynamicArchive_andRemovesOneOlderThanTheJar() throws Exception {
    jdk("jdk-21", "21.0.4", false);
    Path archive = Files.writeString(jar.getParent().resolve("portkeep-jdk21.jsa"), "stale");
    Files.setLastModifiedTime(archive, FileTime.from(Instant.now().minusSeconds(60)));

    launch("-V");

    assertThat(archive)
        .as("a stale archive is removed so that the JVM writes a new one")
        .doesNotExist();
    assertThat(takeCalls())
        .singleElement()
        .asString()
        .contains("-XX:SharedArchiveFile=" + archive)
        .contains("-XX:+AutoCreateSharedArchive");
  }

  @Test
  void releaseLayout_runsItsBundledRuntime_withTheShippedCache_andWritesNothing() throws Exception {
    jdk("jdk-26", "26.0.1", false); // newer, but the package brings its own
    Path home = Files.createDirectories(tmp.resolve("opt/portkeep"));
    Path launcher = Files.createDirectories(home.resolve("bin")).resolve("portkeep");
    Files.copy(LAUNCHER, launcher);
    Path lib = Files.createDirectories(home.resolve("lib"));
    Path shipped = Files.writeString(lib.resolve("portkeep.jar"), "not really a jar");
    Files.setLastModifiedTime(shipped, FileTime.from(Instant.now().minusSeconds(60)));
    Path cache = Files.writeString(lib.resolve("portkeep-jdk25.aot"), "cache");
    jdkAt(home.resolve("runtime"), "bundled", "25.0.1", false);

    Command.Result r =
        launchAt(launcher, Map.of("JAVA_HOME", jvms.resolve("jdk-26").toString()), "-V");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).doesNotContain("building").doesNotContain("preparing");
    assertThat(takeCalls())
        .singleElement()
        .asString()
        .startsWith("bundled ")
        .contains("-XX:AOTCache=" + cache)
        .endsWith("-jar " + shipped + " -V");
    try (var files = Files.list(lib)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("portkeep.jar", "portkeep-jdk25.aot");
    }
  }

  @Test
  void releaseLayout_withoutRuntime_usesTheFoundJdk_andNeverTrains() throws Exception {
    jdk("jdk-25", "25.0.1", false);
    Path home = Files.createDirectories(tmp.resolve("portkeep-1.0"));
    Path launcher = Files.createDirectories(home.resolve("bin")).resolve("portkeep");
    Files.copy(LAUNCHER, launcher);
    Path shipped =
        Files.writeString(
            Files.createDirectories(home.resolve("lib")).resolve("portkeep.jar"), "jar");

    Command.Result r = launchAt(launcher, Map.of(), "-V");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(takeCalls())
        .singleElement()
        .asString()
        .startsWith("jdk-25 ")
        .doesNotContain("AOTCache")
        .endsWith("-jar " + shipped + " -V");
    assertThat(home.resolve("lib/portkeep-jdk25.aot.failed")).doesNotExist();
  }
}
