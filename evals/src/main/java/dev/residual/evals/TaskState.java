package dev.residual.evals;

import dev.residual.evals.model.ChatMessage;
import dev.residual.evals.model.GenerateConfig;
import dev.residual.evals.model.ModelOutput;
import dev.residual.evals.model.TokenUsage;
import dev.residual.evals.model.ToolDef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one sample as solvers work on it (inspect's {@code TaskState}): the conversation so
 * far, the latest model output, the choices (possibly shuffled), tools, generation settings and a
 * scratch metadata map. Solvers mutate it and return it; one state is used by one thread.
 */
public final class TaskState {
  private final Sample sample;
  private final int epoch;
  private final List<ChatMessage> messages;
  private final List<String> choices;
  private final List<String> targets;
  private final Map<String, Object> metadata;
  private final List<ToolDef> tools = new ArrayList<>();
  private GenerateConfig config;
  private ModelOutput output;
  private TokenUsage usage = TokenUsage.ZERO;
  private boolean completed;

  /** A fresh state for {@code sample} in {@code epoch} (from 1). */
  public TaskState(Sample sample, int epoch, GenerateConfig config) {
    this.sample = sample;
    this.epoch = epoch;
    this.messages = new ArrayList<>(sample.input());
    this.choices = new ArrayList<>(sample.choices());
    this.targets = new ArrayList<>(sample.targets());
    this.metadata = new LinkedHashMap<>(sample.metadata());
    this.config = config == null ? GenerateConfig.DEFAULT : config;
  }

  /** The sample being solved. */
  public Sample sample() {
    return sample;
  }

  /** The epoch, from 1. */
  public int epoch() {
    return epoch;
  }

  /** The conversation, mutable. */
  public List<ChatMessage> messages() {
    return messages;
  }

  /** The answer options, mutable (a shuffling solver reorders them and {@link #targets()}). */
  public List<String> choices() {
    return choices;
  }

  /** The correct answers, mutable (remapped when choices are shuffled). */
  public List<String> targets() {
    return targets;
  }

  /** Scratch data shared by solvers and scorers, seeded with the sample's metadata. */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** Tools offered to the model, mutable. */
  public List<ToolDef> tools() {
    return tools;
  }

  /** The generation settings for the next call. */
  public GenerateConfig config() {
    return config;
  }

  /** Replaces the generation settings. */
  public void config(GenerateConfig c) {
    config = c == null ? GenerateConfig.DEFAULT : c;
  }

  /** The latest model output, or null before the first generation. */
  public ModelOutput output() {
    return output;
  }

  /** Records a model output: sets it as the latest and adds its token usage. */
  public void output(ModelOutput o) {
    output = o;
    if (o != null) {
      usage = usage.plus(o.usage());
    }
  }

  /** The text of the latest output, or "" before the first generation. */
  public String completion() {
    return output == null ? "" : output.text();
  }

  /** Tokens used by every generation of this sample. */
  public TokenUsage usage() {
    return usage;
  }

  /** Whether a solver ended the chain early. */
  public boolean completed() {
    return completed;
  }

  /** Ends the solver chain after the current solver. */
  public void complete() {
    completed = true;
  }
}
