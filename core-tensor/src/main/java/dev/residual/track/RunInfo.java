package dev.residual.track;

import java.nio.file.Path;
import java.util.List;

/**
 * Identity of a run, handed to every {@link Sink} when the run starts.
 *
 * @param id unique id (8 lowercase letters/digits, as W&B run ids)
 * @param name human-readable name
 * @param project project the run belongs to
 * @param entity W&B entity (user or team), or null for the default
 * @param tags tags
 * @param dir the local run directory ({@code runs/<project>/<id>/}); every sink may read from it
 */
public record RunInfo(
    String id, String name, String project, String entity, List<String> tags, Path dir) {
  /** Copies the tags. */
  public RunInfo {
    tags = List.copyOf(tags);
  }
}
