package dev.residual.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A training run's complete state in one directory, written atomically so that a crash during a
 * save never leaves a torn checkpoint.
 *
 * <p>Layout of {@code dir}:
 *
 * <ul>
 *   <li>{@code model.safetensors}: the model's state dict (parameters and persistent buffers);
 *   <li>{@code optimizer.safetensors}: the optimizer's per-parameter tensors (moments, momentum
 *       buffers);
 *   <li>{@code state.json}: format version, step, the optimizer's scalar state, the LR schedule's
 *       state, every named {@link Generator}'s state and the run's config.
 * </ul>
 *
 * <p>{@link #save} writes everything into a fresh sibling directory, forces it to disk, and then
 * renames it into place (a previous checkpoint at {@code dir} is first moved aside and deleted
 * afterwards). {@link #load} reads a complete checkpoint; if a crash struck between the two
 * renames, it finds the moved-aside previous checkpoint and reads that one.
 */
public final class Checkpoint {
  private static final int FORMAT = 1;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Checkpoint() {}

  /**
   * Everything a checkpoint holds.
   *
   * @param step the number of completed training steps
   * @param model the model's state dict
   * @param optimizerTensors the optimizer's tensor state (empty if none)
   * @param optimizerState the optimizer's JSON-serialisable state (empty if none)
   * @param schedule the LR schedule's JSON-serialisable state (empty if none)
   * @param generators named generator states from {@link Generator#getState()}
   * @param config the run's configuration, JSON-serialisable
   */
  public record Contents(
      long step,
      Map<String, Tensor> model,
      Map<String, Tensor> optimizerTensors,
      Map<String, Object> optimizerState,
      Map<String, Object> schedule,
      Map<String, long[]> generators,
      Map<String, Object> config) {
    /** Copies the maps (insertion order kept) so later changes by the caller do not leak in. */
    public Contents {
      model = new LinkedHashMap<>(model);
      optimizerTensors = new LinkedHashMap<>(optimizerTensors);
      optimizerState = new LinkedHashMap<>(optimizerState);
      schedule = new LinkedHashMap<>(schedule);
      generators = new LinkedHashMap<>(generators);
      config = new LinkedHashMap<>(config);
    }
  }

  /**
   * Writes {@code contents} to {@code dir} atomically, replacing any checkpoint there.
   *
   * @throws IOException if the directory cannot be written; {@code dir} then still holds the
   *     previous checkpoint (or nothing, if there was none)
   * @throws IllegalArgumentException if the config or states are not JSON-serialisable
   */
  public static void save(Path dir, Contents contents) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    String name = target.getFileName().toString();
    Path tmp = parent.resolve("." + name + ".tmp-" + UUID.randomUUID());
    Files.createDirectory(tmp);
    try {
      SafeTensors.write(tmp.resolve("model.safetensors"), contents.model());
      SafeTensors.write(tmp.resolve("optimizer.safetensors"), contents.optimizerTensors());
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("format", FORMAT);
      state.put("step", contents.step());
      state.put("optimizer", contents.optimizerState());
      state.put("schedule", contents.schedule());
      state.put("generators", contents.generators());
      state.put("config", contents.config());
      Path json = tmp.resolve("state.json");
      try {
        Files.write(json, JSON.writeValueAsBytes(state));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(
            "Checkpoint.save: state or config is not JSON-serialisable: " + e.getOriginalMessage(),
            e);
      }
      force(json);
      force(tmp);
      Path old = null;
      if (Files.exists(target)) {
        old = parent.resolve("." + name + ".old-" + UUID.randomUUID());
        move(target, old);
      }
      move(tmp, target);
      force(parent);
      if (old != null) {
        deleteTree(old);
      }
    } catch (IOException | RuntimeException e) {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
      throw e;
    }
  }

  /**
   * Reads the checkpoint at {@code dir}.
   *
   * @throws IOException naming the file if a part is missing or malformed
   */
  public static Contents load(Path dir) throws IOException {
    Path target = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(target)) {
      Path aside = movedAside(target);
      if (aside == null) {
        throw new IOException(target + ": no checkpoint directory here");
      }
      target = aside;
    }
    Path json = target.resolve("state.json");
    if (!Files.isRegularFile(json)) {
      throw new IOException(json + ": missing (not a checkpoint directory?)");
    }
    Map<String, Object> state;
    try {
      state = JSON.readValue(json.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IOException(json + ": not valid checkpoint JSON: " + e.getMessage(), e);
    }
    Object format = state.get("format");
    if (!(format instanceof Number n) || n.intValue() != FORMAT) {
      throw new IOException(json + ": unsupported checkpoint format " + format);
    }
    Object step = state.get("step");
    if (!(step instanceof Number)) {
      throw new IOException(json + ": field 'step' is missing or not a number");
    }
    Map<String, long[]> generators = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(json, state, "generators").entrySet()) {
      if (!(e.getValue() instanceof List<?> list)) {
        throw new IOException(json + ": generator '" + e.getKey() + "' is not an array");
      }
      long[] s = new long[list.size()];
      for (int k = 0; k < s.length; k++) {
        if (!(list.get(k) instanceof Number v)) {
          throw new IOException(json + ": generator '" + e.getKey() + "' holds a non-number");
        }
        s[k] = v.longValue();
      }
      generators.put(e.getKey(), s);
    }
    return new Contents(
        ((Number) step).longValue(),
        SafeTensors.read(target.resolve("model.safetensors")).tensors(),
        SafeTensors.read(target.resolve("optimizer.safetensors")).tensors(),
        map(json, state, "optimizer"),
        map(json, state, "schedule"),
        generators,
        map(json, state, "config"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Path json, Map<String, Object> state, String key)
      throws IOException {
    Object v = state.get(key);
    if (v == null) {
      return new LinkedHashMap<>();
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new IOException(json + ": field '" + key + "' is not an object");
    }
    return (Map<String, Object>) v;
  }

  /** The previous checkpoint moved aside by an interrupted {@link #save}, or null. */
  private static Path movedAside(Path target) throws IOException {
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return null;
    }
    String prefix = "." + target.getFileName() + ".old-";
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p.resolve("state.json"))) {
          return p;
        }
      }
    }
    return null;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot rename " + from + " to " + to + " atomically on this file system", e);
    }
  }

  private static void force(Path p) {
    try (FileChannel ch =
        FileChannel.open(
            p, Files.isDirectory(p) ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException ignored) {
      // Some file systems refuse to sync a directory; the rename is still atomic.
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
