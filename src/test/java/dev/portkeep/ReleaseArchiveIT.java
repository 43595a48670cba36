package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portkeep.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archives that {@code mvn package} leaves in target/: their layout, and an unpacked
 * copy that runs with a JDK from JAVA_HOME, never runs Maven and writes nothing beside its jar.
 */
@Timeout(120)
class ReleaseArchiveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String VERSION = System.getProperty("portkeep.version", "");

  private static Path tarball;
  private static Path zip;
  private static String top;

  @TempDir Path tmp;

  @BeforeAll
  static void findArchives() {
    assertThat(VERSION).as("failsafe passes -Dportkeep.version").isNotEmpty();
    top = "portkeep-" + VERSION;
    tarball = Path.of("target", top + ".tar.gz");
    zip = Path.of("target", top + ".zip");
    assertThat(tarball).as("mvn package makes the tarball").isRegularFile();
    assertThat(zip).as("mvn package makes the zip").isRegularFile();
  }

  @Test
  void tarball_holdsLauncherJarCompletionManPageAndLicences() {
    List<String> entries =
        Command.run(TIMEOUT, "tar", "tzf", tarball.toString()).orThrow().stdout().lines().toList();

    assertThat(entries)
        .contains(
            top + "/bin/portkeep",
            top + "/bin/portkeep.cmd",
            top + "/lib/portkeep.jar",
            top + "/share/bash-completion/completions/portkeep",
            top + "/share/man/man1/portkeep.1",
            top + "/LICENSE",
            top + "/THIRD-PARTY-NOTICES",
            top + "/licenses/sshd-core/META-INF/LICENSE",
            top + "/licenses/sshd-core/META-INF/NOTICE",
            top + "/licenses/slf4j-api/META-INF/LICENSE.txt");
    assertThat(entries).allMatch(e -> e.startsWith(top + "/"));
  }

  @Test
  void zip_holdsTheSameFilesAsTheTarball_andTheCmdLauncherWithCrLf() throws IOException {
    Set<String> tarFiles = new TreeSet<>();
    Command.run(TIMEOUT, "tar", "tzf", tarball.toString())
        .orThrow()
        .stdout()
        .lines()
        .filter(e -> !e.endsWith("/"))
        .forEach(tarFiles::add);
    Set<String> zipFiles = new TreeSet<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      z.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(zipFiles::add);
      String cmd =
          new String(z.getInputStream(z.getEntry(top + "/bin/portkeep.cmd")).readAllBytes());
      assertThat(cmd).startsWith("@echo off\r\n").doesNotContainPattern("[^\r]\n");
    }
    assertThat(zipFiles).isEqualTo(tarFiles);
  }

  @Test
  void unpacked_runsWithJavaHome_neverRunsMaven_writesNothingBesideTheJar() throws IOException {
    Path home = unpack();
    Path bin = fakeMaven();
    List<String> libBefore = list(home.resolve("lib"));

    Command.Result r = run(bin, home.resolve("bin/portkeep").toString(), "--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().strip()).isEqualTo("portkeep " + VERSION);
    assertThat(tmp.resolve("maven-ran")).as("the release launcher never builds").doesNotExist();
    assertThat(list(home.resolve("lib"))).isEqualTo(libBefore);
  }

  @Test
  void unpacked_throughASymlinkOnPath_findsItsJar() throws IOException {
    Path home = unpack();
    Path bin = fakeMaven();
    Files.createSymbolicLink(bin.resolve("portkeep"), home.resolve("bin/portkeep"));

    Command.Result r = run(bin, "portkeep", "--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("portkeep " + VERSION);
  }

  @Test
  void completion_loadsInBash_andCompletesSubcommandsAndOptions() throws IOException {
    Path home = unpack();
    String script = home.resolve("share/bash-completion/completions/portkeep").toString();
    String probe =
        "source '"
            + script
            + "'; complete -p portkeep;"
            + " COMP_WORDS=(portkeep st); COMP_CWORD=1; COMP_LINE='portkeep st'; COMP_POINT=11;"
            + " _complete_portkeep; printf 'word:%s\\n' \"${COMPREPLY[@]}\"";

    Command.Result r = Command.run(TIMEOUT, "bash", "-c", probe).orThrow();

    assertThat(r.stdout()).contains("-F _complete_portkeep portkeep");
    assertThat(r.stdout().lines().filter(l -> l.startsWith("word:")).map(String::strip))
        .contains("word:start", "word:status", "word:stop");
  }

  @Test
  void completion_loadsInZsh() throws IOException {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/zsh")) || Files.isExecutable(Path.of("/bin/zsh")),
        "zsh is not installed here (apt-get install zsh); the bash test covers the script");
    Path home = unpack();
    String script = home.resolve("share/bash-completion/completions/portkeep").toString();

    Command.Result r =
        Command.run(
            TIMEOUT,
            "zsh",
            "-c",
            "autoload -U compinit && compinit -u; source '" + script + "'; complete -p portkeep");

    assertThat(r.stdout() + r.stderr()).contains("_complete_portkeep");
  }

  @Test
  void manPage_rendersWithManWithoutWarnings_showingTheVersion() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed (man-db)");
    Path page = unpack().resolve("share/man/man1/portkeep.1");

    Command.Result warnings = Command.run(TIMEOUT, "groff", "-man", "-ww", "-z", page.toString());
    Command.Result shown =
        Command.run(
            TIMEOUT,
            "/usr/bin/env",
            "MANWIDTH=100",
            "MAN_KEEP_FORMATTING=0",
            "man",
            "-l",
            page.toString());

    assertThat(warnings.stderr()).isEmpty();
    assertThat(warnings.exitCode()).isZero();
    assertThat(shown.exitCode()).as(shown.stderr()).isZero();
    // man overstrikes bold text (c BACKSPACE c) when its output is not a terminal
    assertThat(shown.stdout().replaceAll(".\b", ""))
        .contains("portkeep " + VERSION)
        .contains("EXIT STATUS");
  }

  private Path unpack() {
    Path into = tmp.resolve("unpacked");
    try {
      Files.createDirectories(into);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Command.run(TIMEOUT, "tar", "xzf", tarball.toAbsolutePath().toString(), "-C", into.toString())
        .orThrow();
    return into.resolve(top);
  }

  /** A PATH folder with the basic tools and an mvn that leaves a mark if anything runs it. */
  private Path fakeMaven() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path mvn =
        Files.writeString(
            bin.resolve("mvn"), "#!/bin/sh\n: >'" + tmp.resolve("maven-ran") + "'\nexit 1\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  /** Runs with a clean environment: PATH = bin then /usr/bin:/bin, JAVA_HOME = this JVM's. */
  private Command.Result run(Path bin, String... args) {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/env", "-i"));
    argv.add("PATH=" + bin + ":/usr/bin:/bin");
    argv.add("HOME=" + tmp);
    argv.add("JAVA_HOME=" + System.getProperty("java.home"));
    argv.addAll(List.of(args));
    return Command.run(TIMEOUT, argv);
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
