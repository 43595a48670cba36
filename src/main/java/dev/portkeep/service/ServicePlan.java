package dev.portkeep.service;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code portkeep service install} does on one platform: the one file it writes (with its
 * text), the commands it then runs, and what {@code uninstall} runs before removing that file.
 * {@code isEnabled} and {@code isRunning} are the commands whose exit status 0 answers yes.
 *
 * @param platform names the service manager in messages ("systemd user unit")
 * @param marker a line the file always holds, so uninstall removes only a file install wrote
 */
public record ServicePlan(
    String platform,
    Path file,
    String content,
    Charset charset,
    String marker,
    List<List<String>> afterWrite,
    List<List<String>> beforeRemove,
    List<String> isEnabled,
    List<String> isRunning) {
  public ServicePlan {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(file, "file");
    if (!content.contains(marker)) {
      throw new IllegalArgumentException("the file's text lacks its marker: " + marker);
    }
    afterWrite = afterWrite.stream().map(List::copyOf).toList();
    beforeRemove = beforeRemove.stream().map(List::copyOf).toList();
    isEnabled = List.copyOf(isEnabled);
    isRunning = List.copyOf(isRunning);
  }

  /** The comment every file portkeep writes carries, in each format's comment syntax. */
  static final String WRITTEN_BY = "Written by portkeep service install";
}
