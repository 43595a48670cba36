package dev.portkeep.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import dev.portkeep.error.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPathsTest {
  private static final long UID = ControlPaths.currentUid();

  @TempDir Path temp;

  @Test
  void folder_xdgRuntimeDirIsADirectory_isPortkeepInsideIt() {
    Map<String, String> env = Map.of("XDG_RUNTIME_DIR", temp.toString());
    assertThat(ControlPaths.folder(env, "Linux", 1000)).isEqualTo(temp.resolve("portkeep"));
    assertThat(ControlPaths.defaultSocket(env, "Mac OS X", 501))
        .isEqualTo(temp.resolve("portkeep").resolve("control.sock"));
  }

  @Test
  void folder_xdgRuntimeDirMissingRelativeOrNotADirectory_isTmpPortkeepUid() throws IOException {
    Path file = Files.createFile(temp.resolve("file"));
    for (Map<String, String> env :
        java.util.List.of(
            Map.<String, String>of(),
            Map.of("XDG_RUNTIME_DIR", ""),
            Map.of("XDG_RUNTIME_DIR", "run/user/1000"),
            Map.of("XDG_RUNTIME_DIR", temp.resolve("absent").toString()),
            Map.of("XDG_RUNTIME_DIR", file.toString()))) {
      assertThat(ControlPaths.folder(env, "Linux", 1000))
          .as("%s", env)
          .isEqualTo(Path.of("/tmp/portkeep-1000"));
    }
  }

  @Test
  void folder_windows_isLocalAppDataPortkeep() {
    assertThat(
            ControlPaths.folder(
                Map.of("LOCALAPPDATA", "C:\\Users\\a\\AppData\\Local"), "Windows 11", -1))
        .isEqualTo(Path.of("C:\\Users\\a\\AppData\\Local", "portkeep"));
  }

  @Test
  void folder_windowsWithoutLocalAppData_isRefusedWithAHint() {
    assertThatThrownBy(() -> ControlPaths.folder(Map.of(), "Windows 10", -1))
        .isInstanceOfSatisfying(
            UsageException.class, e -> assertThat(e.hint()).contains("--control PATH"))
        .hasMessageContaining("LOCALAPPDATA is not set");
  }

  @Test
  void currentUid_isTheKernelsUidForThisProcess() {
    assertThat(UID).isEqualTo(new UnixSystem().getUid());
  }

  @Test
  void ensurePrivate_missingFolder_isCreatedWithMode0700() throws IOException {
    Path folder = temp.resolve("portkeep-" + UID);
    assertThat(ControlPaths.ensurePrivate(folder, UID)).isEqualTo(folder);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwx------");
    assertThat(ControlPaths.ensurePrivate(folder, UID))
        .as("a second run accepts it")
        .isEqualTo(folder);
  }

  @Test
  void ensurePrivate_existingFolderOpenToOthers_isRefusedNamingOwnerAndModeAndLeftAlone()
      throws IOException {
    Path folder = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> ControlPaths.ensurePrivate(folder, UID))
        .isInstanceOfSatisfying(
            UsageException.class, e -> assertThat(e.hint()).contains("chmod 700 '" + folder + "'"))
        .hasMessageContaining("control folder '" + folder + "' is refused: group or others")
        .hasMessageContaining("owner uid " + UID)
        .hasMessageContaining("mode 0755");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void ensurePrivate_symlinkToAPrivateFolder_isRefused() throws IOException {
    Path target = Files.createDirectory(temp.resolve("target"));
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(temp.resolve("link"), target);
    assertThatThrownBy(() -> ControlPaths.ensurePrivate(link, UID))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("'" + link + "' is refused: it is a symbolic link");
  }

  @Test
  void ensurePrivate_aFile_isRefused() throws IOException {
    Path file = Files.createFile(temp.resolve("file"));
    assertThatThrownBy(() -> ControlPaths.ensurePrivate(file, UID))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("it is not a directory");
  }

  @Test
  void ensurePrivate_folderOfAnotherUser_isRefusedAndNotChanged() throws IOException {
    assumeTrue(UID == 0, "only root can give a folder to another user (uid 65534)");
    Path folder = Files.createDirectory(temp.resolve("theirs"));
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(folder, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> ControlPaths.ensurePrivate(folder, UID))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("it belongs to another user (owner uid 65534 (nobody), mode 0700)");
    assertThat(Files.getAttribute(folder, "unix:uid")).isEqualTo(65534);
  }

  @Test
  void ensurePrivate_missingParent_isRefusedNamingTheFolder() {
    Path folder = temp.resolve("absent").resolve("portkeep");
    assertThatThrownBy(() -> ControlPaths.ensurePrivate(folder, UID))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("cannot create the control folder '" + folder + "'");
  }
}
