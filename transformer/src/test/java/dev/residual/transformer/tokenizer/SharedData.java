package dev.residual.transformer.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds {@code shared/data/...} by walking up from the working directory; null when absent. */
final class SharedData {
  private SharedData() {}

  static Path find(String relative) {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("shared").resolve("data").resolve(relative);
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    return null;
  }
}
