package dev.residual.track.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads a local run directory ({@code runs/<project>/<id>/}) to Weights & Biases after the fact:
 * an offline run, or one whose connection failed or whose process was killed.
 *
 * <p>It reads {@code run.json} (id, name, project, entity, tags, exitCode; without it the directory
 * name is the id; a run without an exit code never finished and is marked exit code 1), {@code
 * config.json}, {@code metrics.jsonl} (a torn last line, left by a killed process, is skipped),
 * {@code summary.json} and {@code media/*.png}, then creates or updates the run with {@code
 * upsertBucket}, streams the history from offset 0 in chunks, sends the summary, uploads the images
 * as {@code media/images/<file>} and marks the run complete. The server keys history by offset, so
 * syncing a run twice rewrites the same lines rather than duplicating them.
 */
public final class WandbSync {
  private static final Logger LOG = LoggerFactory.getLogger(WandbSync.class);
  private static final int LINES_PER_POST = 1000;

  private WandbSync() {}

  /**
   * What was uploaded.
   *
   * @param entity the entity the run went to
   * @param project the project
   * @param runId the run id
   * @param historyLines the metrics lines sent
   * @param skippedLines lines of {@code metrics.jsonl} that were not JSON objects (a torn tail)
   * @param files the media files uploaded
   */
  public record Result(
      String entity,
      String project,
      String runId,
      long historyLines,
      int skippedLines,
      int files) {}

  /**
   * Uploads {@code runDir} with a client made from {@code settings} (its mode is ignored: asking to
   * sync is asking to go online).
   *
   * @throws IllegalArgumentException if {@code runDir} is not a directory or the settings have no
   *     API key
   * @throws IOException if a file cannot be read or the server refuses or cannot be reached
   */
  public static Result sync(Path runDir, WandbSettings settings) throws IOException {
    try (WandbClient client = new WandbClient(settings)) {
      return sync(runDir, client);
    }
  }

  /**
   * Uploads {@code runDir} through {@code client}.
   *
   * @throws IllegalArgumentException if {@code runDir} is not a directory
   * @throws IOException if a file cannot be read or the server refuses or cannot be reached
   */
  public static Result sync(Path runDir, WandbClient client) throws IOException {
    if (!Files.isDirectory(runDir)) {
      throw new IllegalArgumentException("wandb sync: " + runDir + " is not a run directory");
    }
    WandbSettings settings = client.settings();
    JsonNode run = readJson(runDir.resolve("run.json"));
    String runId = text(run, "id", runDir.getFileName().toString());
    String name = text(run, "name", null);
    String project = text(run, "project", settings.project());
    String entity = text(run, "entity", settings.entity());
    List<String> tags = new ArrayList<>();
    for (JsonNode t : run.path("tags")) {
      tags.add(t.asText());
    }
    int exitCode = run.path("exitCode").isInt() ? run.path("exitCode").asInt() : 1;
    Map<String, Object> config = toMap(readJson(runDir.resolve("config.json")));

    if (entity == null) {
      entity = client.viewerEntity();
    }
    client.upsertRun(null, entity, project, runId, name, tags, config);

    List<String> lines = new ArrayList<>();
    int skipped = 0;
    Map<String, Object> lastValues = new LinkedHashMap<>();
    Path metrics = runDir.resolve("metrics.jsonl");
    if (Files.exists(metrics)) {
      for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = WandbClient.MAPPER.readTree(line);
        } catch (IOException e) {
          row = null;
        }
        if (row == null || !row.isObject()) {
          skipped++;
          continue;
        }
        ObjectNode obj = (ObjectNode) row;
        // W&B wants seconds; accept a writer that used milliseconds.
        double ts = obj.path("_timestamp").asDouble(0);
        if (ts > 1e11) {
          obj.put("_timestamp", ts / 1000.0);
        }
        obj.fields()
            .forEachRemaining(
                e -> {
                  if (!e.getKey().startsWith("_")) {
                    lastValues.put(e.getKey(), e.getValue());
                  }
                });
        lines.add(WandbSink.json(obj));
      }
    }
    if (skipped > 0) {
      LOG.warn("wandb sync: skipped {} unreadable line(s) of {}", skipped, metrics);
    }
    for (int from = 0; from < lines.size(); from += LINES_PER_POST) {
      List<String> chunk = lines.subList(from, Math.min(lines.size(), from + LINES_PER_POST));
      client.fileStream(
          entity,
          project,
          runId,
          Map.of("files", Map.of(WandbSink.HISTORY, WandbSink.chunk(from, List.copyOf(chunk)))));
    }

    Map<String, Object> summary = new LinkedHashMap<>(lastValues);
    summary.putAll(toMap(readJson(runDir.resolve("summary.json"))));
    if (!summary.isEmpty()) {
      client.fileStream(
          entity,
          project,
          runId,
          Map.of(
              "files",
              Map.of(WandbSink.SUMMARY, WandbSink.chunk(0, List.of(WandbSink.json(summary))))));
    }

    int files = 0;
    Path media = runDir.resolve("media");
    if (Files.isDirectory(media)) {
      List<Path> pngs = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(media, "*.png")) {
        ds.forEach(pngs::add);
      }
      pngs.sort(null);
      if (!pngs.isEmpty()) {
        List<String> names = new ArrayList<>();
        for (Path p : pngs) {
          names.add("media/images/" + p.getFileName());
        }
        WandbClient.UploadUrls urls = client.uploadUrls(entity, project, runId, names);
        for (int i = 0; i < pngs.size(); i++) {
          client.upload(
              urls.urls().get(names.get(i)),
              Files.readAllBytes(pngs.get(i)),
              "image/png",
              urls.headers());
          files++;
        }
      }
    }

    Map<String, Object> end = new LinkedHashMap<>();
    end.put("complete", true);
    end.put("exitcode", exitCode);
    client.fileStream(entity, project, runId, end);
    return new Result(entity, project, runId, lines.size(), skipped, files);
  }

  private static JsonNode readJson(Path p) throws IOException {
    if (!Files.exists(p)) {
      return WandbClient.MAPPER.createObjectNode();
    }
    return WandbClient.MAPPER.readTree(p.toFile());
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.asText().isBlank() ? v.asText() : fallback;
  }

  private static Map<String, Object> toMap(JsonNode node) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    }
    return out;
  }
}
