package dev.residual.diffusion;

import dev.residual.diffusion.models.MlpDenoiser;
import dev.residual.diffusion.models.UNet;
import dev.residual.io.Checkpoint;
import dev.residual.nn.Module;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A trained denoiser with everything needed to sample from it: the model's kind ({@code "mlp"} for
 * {@link MlpDenoiser}, {@code "unet"} for {@link UNet}) and its config, its weights, the noise
 * schedule (kind and T), the prediction type, the data kind, the shape of one sample, the number of
 * classes and the training step.
 *
 * <p>The files are a {@link Checkpoint} directory (written atomically): {@code model.safetensors}
 * holds the weights, {@code state.json} the rest under {@code config}, as
 *
 * <pre>
 * {"format": "residual-denoiser", "version": 1,
 *  "model": {"kind": "unet", "dtype": "FLOAT32", "config": {...}},
 *  "schedule": "linear", "timesteps": 1000, "prediction": "EPSILON",
 *  "data": "mnist", "sampleShape": [1, 28, 28], "numClasses": 10}
 * </pre>
 *
 * <p>Save the EMA weights: the caller swaps them into the module first, e.g. {@code ema.store();
 * ema.copyTo(); DenoiserCheckpoint.save(dir, model, meta); ema.restore();}.
 */
public final class DenoiserCheckpoint {
  private static final String FORMAT = "residual-denoiser";
  private static final int VERSION = 1;

  private DenoiserCheckpoint() {}

  /** The noise schedules a checkpoint can name. */
  public enum Schedule {
    /** {@link NoiseSchedule#linear(int)}. */
    LINEAR,
    /** {@link NoiseSchedule#cosine(int)}. */
    COSINE;

    /**
     * The schedule of this kind with {@code steps} timesteps.
     *
     * @throws IllegalArgumentException as {@link NoiseSchedule#linear} / {@link
     *     NoiseSchedule#cosine}
     */
    public NoiseSchedule build(int steps) {
      return this == LINEAR ? NoiseSchedule.linear(steps) : NoiseSchedule.cosine(steps);
    }
  }

  /**
   * What, besides the model, a checkpoint records.
   *
   * @param data the data kind: {@code "toy:NAME"} (e.g. {@code "toy:moons"}) or {@code "mnist"}
   * @param sampleShape the shape of one sample without the batch: {@code [D]} for points, {@code
   *     [C, H, W]} for images
   * @param numClasses the number of classes of a class-conditional model, or 0
   * @param schedule the noise schedule's kind
   * @param timesteps the schedule's T
   * @param prediction what the model predicts
   * @param step the training step the weights are from
   */
  public record Meta(
      String data,
      int[] sampleShape,
      int numClasses,
      Schedule schedule,
      int timesteps,
      Denoiser.Prediction prediction,
      long step) {
    /**
     * Validates and copies {@code sampleShape}.
     *
     * @throws IllegalArgumentException if {@code data} is not {@code "mnist"} or {@code
     *     "toy:NAME"}, {@code sampleShape} is not {@code [D]} or {@code [C, H, W]} with positive
     *     sizes, {@code numClasses} or {@code step} is negative, {@code schedule} or {@code
     *     prediction} is null, or {@code timesteps < 2}
     */
    public Meta {
      if (data == null || !(data.equals("mnist") || data.startsWith("toy:") && data.length() > 4)) {
        throw new IllegalArgumentException(
            "DenoiserCheckpoint.Meta: data must be \"mnist\" or \"toy:NAME\", got " + data);
      }
      if (sampleShape == null
          || (sampleShape.length != 1 && sampleShape.length != 3)
          || Arrays.stream(sampleShape).anyMatch(v -> v <= 0)) {
        throw new IllegalArgumentException(
            "DenoiserCheckpoint.Meta: sampleShape must be [D] or [C, H, W] with positive sizes, got "
                + Arrays.toString(sampleShape));
      }
      if (numClasses < 0 || step < 0 || timesteps < 2 || schedule == null || prediction == null) {
        throw new IllegalArgumentException(
            "DenoiserCheckpoint.Meta: need numClasses >= 0, step >= 0, timesteps >= 2, a schedule"
                + " and a prediction; got numClasses="
                + numClasses
                + ", step="
                + step
                + ", timesteps="
                + timesteps
                + ", schedule="
                + schedule
                + ", prediction="
                + prediction);
      }
      sampleShape = sampleShape.clone();
    }

    /** A copy of the per-sample shape. */
    @Override
    public int[] sampleShape() {
      return sampleShape.clone();
    }

    /** Whether the samples are images {@code [C, H, W]} (else points {@code [D]}). */
    public boolean isImage() {
      return sampleShape.length == 3;
    }

    /** The batch shape {@code [n, ...sampleShape]}. */
    public long[] batchShape(long n) {
      long[] s = new long[sampleShape.length + 1];
      s[0] = n;
      for (int i = 0; i < sampleShape.length; i++) {
        s[i + 1] = sampleShape[i];
      }
      return s;
    }

    /**
     * The diffusion process: {@code schedule} with {@code timesteps} steps and {@code prediction}.
     */
    public GaussianDiffusion diffusion() {
      return new GaussianDiffusion(schedule.build(timesteps), prediction);
    }

    /** Equal when every field is, {@code sampleShape} by content. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Meta m
          && data.equals(m.data)
          && Arrays.equals(sampleShape, m.sampleShape)
          && numClasses == m.numClasses
          && schedule == m.schedule
          && timesteps == m.timesteps
          && prediction == m.prediction
          && step == m.step;
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
      return Objects.hash(
          data, Arrays.hashCode(sampleShape), numClasses, schedule, timesteps, prediction, step);
    }

    /** The fields, the shape written out. */
    @Override
    public String toString() {
      return "Meta[data="
          + data
          + ", sampleShape="
          + Arrays.toString(sampleShape)
          + ", numClasses="
          + numClasses
          + ", schedule="
          + schedule
          + ", timesteps="
          + timesteps
          + ", prediction="
          + prediction
          + ", step="
          + step
          + "]";
    }
  }

  /**
   * A loaded checkpoint.
   *
   * @param model the rebuilt network with the saved weights, in eval mode (an {@link MlpDenoiser}
   *     or a {@link UNet}, both {@link Denoiser}s)
   * @param kind {@code "mlp"} or {@code "unet"}
   * @param diffusion the process the model was trained for
   * @param meta the recorded metadata
   */
  public record Loaded(Module model, String kind, GaussianDiffusion diffusion, Meta meta) {
    /** The model as a {@link Denoiser}. */
    public Denoiser denoiser() {
      return (Denoiser) model;
    }
  }

  /**
   * Writes {@code model}'s weights (its state dict, in its dtype), kind and config together with
   * {@code meta} to {@code dir} atomically, replacing a checkpoint there.
   *
   * @param dir the checkpoint directory (created, with its parents)
   * @param model an {@link MlpDenoiser} or {@link UNet} holding the weights to save (the EMA ones)
   * @param meta the rest
   * @throws IllegalArgumentException if the model is of another kind, or disagrees with {@code
   *     meta} on the number of classes or the sample shape (an MLP needs {@code [dataDim]}, a U-Net
   *     {@code [inChannels, H, W]} with H and W divisible by {@code 2^(levels-1)})
   * @throws UncheckedIOException if the directory cannot be written
   */
  public static void save(Path dir, Module model, Meta meta) {
    if (dir == null || model == null || meta == null) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.save: dir, model and meta are required");
    }
    Map<String, Object> modelInfo = new LinkedHashMap<>();
    int modelClasses;
    if (model instanceof MlpDenoiser mlp) {
      MlpDenoiser.Config c = mlp.config();
      modelInfo.put("kind", "mlp");
      modelInfo.put("config", mlpConfig(c));
      modelClasses = c.numClasses();
      if (meta.sampleShape.length != 1 || meta.sampleShape[0] != c.dataDim()) {
        throw new IllegalArgumentException(
            "DenoiserCheckpoint.save: sample shape "
                + Arrays.toString(meta.sampleShape)
                + " does not match the MLP's dataDim "
                + c.dataDim()
                + " (need ["
                + c.dataDim()
                + "])");
      }
    } else if (model instanceof UNet unet) {
      UNet.Config c = unet.config();
      modelInfo.put("kind", "unet");
      modelInfo.put("config", unetConfig(c));
      modelClasses = c.numClasses();
      int factor = 1 << (c.channelMults().length - 1);
      int[] s = meta.sampleShape;
      if (s.length != 3 || s[0] != c.inChannels() || s[1] % factor != 0 || s[2] % factor != 0) {
        throw new IllegalArgumentException(
            "DenoiserCheckpoint.save: sample shape "
                + Arrays.toString(s)
                + " does not fit the U-Net (need ["
                + c.inChannels()
                + ", H, W] with H and W divisible by "
                + factor
                + ")");
      }
    } else {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.save: unknown model kind "
              + model.getClass().getName()
              + " (MlpDenoiser or UNet)");
    }
    if (modelClasses != meta.numClasses()) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.save: meta says "
              + meta.numClasses()
              + " classes but the model has "
              + modelClasses);
    }
    Map<String, Tensor> state = model.stateDict();
    modelInfo.put(
        "dtype",
        state.isEmpty() ? DType.FLOAT32.name() : state.values().iterator().next().dtype().name());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("format", FORMAT);
    config.put("version", VERSION);
    config.put("model", modelInfo);
    config.put("schedule", meta.schedule().name().toLowerCase(Locale.ROOT));
    config.put("timesteps", meta.timesteps());
    config.put("prediction", meta.prediction().name());
    config.put("data", meta.data());
    config.put("sampleShape", toList(meta.sampleShape));
    config.put("numClasses", meta.numClasses());
    try {
      Checkpoint.save(
          dir,
          new Checkpoint.Contents(
              meta.step(), state, Map.of(), Map.of(), Map.of(), Map.of(), config));
    } catch (IOException e) {
      throw new UncheckedIOException("DenoiserCheckpoint.save: " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a checkpoint written by {@link #save} and rebuilds its model (in eval mode, in the saved
   * dtype) and diffusion process.
   *
   * @throws UncheckedIOException if {@code dir} is missing or its files cannot be read
   * @throws IllegalArgumentException naming {@code dir} if it is not a denoiser checkpoint, names
   *     an unknown model kind, schedule or prediction, has a malformed field, or its weights do not
   *     fit the recorded config (listing every missing key and shape mismatch)
   */
  public static Loaded load(Path dir) {
    if (dir == null) {
      throw new IllegalArgumentException("DenoiserCheckpoint.load: dir is required");
    }
    Checkpoint.Contents contents;
    try {
      contents = Checkpoint.load(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("DenoiserCheckpoint.load: " + e.getMessage(), e);
    }
    Fields f = new Fields(dir, contents.config());
    if (!FORMAT.equals(contents.config().get("format"))) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.load: "
              + dir
              + " is not a denoiser checkpoint (format "
              + contents.config().get("format")
              + ", expected "
              + FORMAT
              + ")");
    }
    if (f.integer("version") != VERSION) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.load: " + dir + ": unsupported version " + f.integer("version"));
    }
    Schedule schedule = f.enumValue("schedule", Schedule.class);
    Denoiser.Prediction prediction = f.enumValue("prediction", Denoiser.Prediction.class);
    Meta meta;
    try {
      meta =
          new Meta(
              f.string("data"),
              f.ints("sampleShape"),
              f.integer("numClasses"),
              schedule,
              f.integer("timesteps"),
              prediction,
              contents.step());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.load: " + dir + ": " + e.getMessage(), e);
    }
    Fields m = f.object("model");
    String kind = m.string("kind");
    Fields c = m.object("config");
    Module model;
    Generator g = new Generator(0);
    try {
      model =
          switch (kind) {
            case "mlp" ->
                new MlpDenoiser(
                    new MlpDenoiser.Config(
                        c.integer("dataDim"),
                        c.integer("hidden"),
                        c.integer("numHidden"),
                        c.integer("timeDim"),
                        c.integer("learnedTimesteps"),
                        c.integer("numClasses")),
                    g);
            case "unet" ->
                new UNet(
                    new UNet.Config(
                        c.integer("inChannels"),
                        c.integer("baseChannels"),
                        c.ints("channelMults"),
                        c.integer("numResBlocks"),
                        c.ints("attentionLevels"),
                        c.bool("midAttention"),
                        c.integer("numGroups"),
                        c.number("dropout"),
                        c.integer("numClasses")),
                    g);
            default ->
                throw new IllegalArgumentException(
                    "DenoiserCheckpoint.load: "
                        + dir
                        + ": unknown model kind '"
                        + kind
                        + "' (mlp or unet)");
          };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("DenoiserCheckpoint")) {
        throw e;
      }
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.load: " + dir + ": bad " + kind + " config: " + e.getMessage(), e);
    }
    DType dtype = m.enumValue("dtype", DType.class);
    if (dtype != DType.FLOAT32) {
      model.to(dtype);
    }
    try {
      model.loadStateDict(contents.model(), true);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "DenoiserCheckpoint.load: " + dir + ": weights do not fit the config: " + e.getMessage(),
          e);
    }
    model.eval();
    return new Loaded(model, kind, meta.diffusion(), meta);
  }

  private static Map<String, Object> mlpConfig(MlpDenoiser.Config c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("dataDim", c.dataDim());
    m.put("hidden", c.hidden());
    m.put("numHidden", c.numHidden());
    m.put("timeDim", c.timeDim());
    m.put("learnedTimesteps", c.learnedTimesteps());
    m.put("numClasses", c.numClasses());
    return m;
  }

  private static Map<String, Object> unetConfig(UNet.Config c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inChannels", c.inChannels());
    m.put("baseChannels", c.baseChannels());
    m.put("channelMults", toList(c.channelMults()));
    m.put("numResBlocks", c.numResBlocks());
    m.put("attentionLevels", toList(c.attentionLevels()));
    m.put("midAttention", c.midAttention());
    m.put("numGroups", c.numGroups());
    m.put("dropout", c.dropout());
    m.put("numClasses", c.numClasses());
    return m;
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> out = new ArrayList<>(a.length);
    for (int v : a) {
      out.add(v);
    }
    return out;
  }

  /** Typed reads from the JSON object {@code map} of checkpoint {@code dir}, with clear errors. */
  private record Fields(Path dir, Map<String, Object> map) {
    private Object get(String key) {
      Object v = map.get(key);
      if (v == null) {
        throw bad(key, "is missing");
      }
      return v;
    }

    private IllegalArgumentException bad(String key, String what) {
      return new IllegalArgumentException(
          "DenoiserCheckpoint.load: " + dir + ": field '" + key + "' " + what);
    }

    int integer(String key) {
      if (!(get(key) instanceof Number n) || n.doubleValue() != n.intValue()) {
        throw bad(key, "is not an integer: " + map.get(key));
      }
      return n.intValue();
    }

    double number(String key) {
      if (!(get(key) instanceof Number n)) {
        throw bad(key, "is not a number: " + map.get(key));
      }
      return n.doubleValue();
    }

    boolean bool(String key) {
      if (!(get(key) instanceof Boolean b)) {
        throw bad(key, "is not a boolean: " + map.get(key));
      }
      return b;
    }

    String string(String key) {
      if (!(get(key) instanceof String s)) {
        throw bad(key, "is not a string: " + map.get(key));
      }
      return s;
    }

    int[] ints(String key) {
      if (!(get(key) instanceof List<?> list)) {
        throw bad(key, "is not an array: " + map.get(key));
      }
      int[] out = new int[list.size()];
      for (int i = 0; i < out.length; i++) {
        if (!(list.get(i) instanceof Number n) || n.doubleValue() != n.intValue()) {
          throw bad(key, "holds a non-integer: " + list);
        }
        out[i] = n.intValue();
      }
      return out;
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) {
      String s = string(key);
      try {
        return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw bad(
            key,
            "names an unknown "
                + type.getSimpleName()
                + " '"
                + s
                + "' (one of "
                + Arrays.toString(type.getEnumConstants())
                + ")");
      }
    }

    @SuppressWarnings("unchecked")
    Fields object(String key) {
      if (!(get(key) instanceof Map<?, ?> m)) {
        throw bad(key, "is not an object: " + map.get(key));
      }
      return new Fields(dir, (Map<String, Object>) m);
    }
  }
}
