package dev.residual.examples.walkthrough;

import dev.residual.io.Checkpoint;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.tokenizer.CharTokenizer;
import dev.residual.transformer.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model the walkthrough's examples run on: the baby Shakespeare checkpoint written by {@code
 * residual gpt train}, or, when none is given (the tests), a tiny randomly initialised model over
 * the characters of {@link #SAMPLE}.
 *
 * @param model the GPT, in eval mode
 * @param tokenizer its character tokenizer
 * @param trained whether the weights come from a checkpoint
 */
public record BabyModel(GPT2 model, CharTokenizer tokenizer, boolean trained) {

  /** The opening lines of tinyshakespeare: a vocabulary and text for the untrained fallback. */
  public static final String SAMPLE =
      "First Citizen:\n"
          + "Before we proceed any further, hear me speak.\n\n"
          + "All:\nSpeak, speak.\n\n"
          + "First Citizen:\nYou are all resolved rather to die than to famish?\n\n"
          + "All:\nResolved. resolved.\n\n"
          + "ROMEO:\nWhat say you, my lord? To be, or not to be, that is the question:\n"
          + "JULIET:\nO Romeo, Romeo! wherefore art thou Romeo?\n";

  /**
   * Loads a checkpoint directory as {@code residual gpt sample} does: the model config from the
   * checkpoint, the tokenizer from {@code meta} (or the training data's {@code meta.json}).
   *
   * @throws IOException if the checkpoint or the tokenizer cannot be read
   */
  public static BabyModel load(Path checkpoint, Path meta) throws IOException {
    // region load
    Checkpoint.Contents ck = Checkpoint.load(checkpoint); // what `residual gpt train` wrote
    GPT2 model = Trainer.modelFrom(ck); // the config and the trained weights it holds
    model.eval();
    Path metaFile =
        meta != null ? meta : Path.of(String.valueOf(ck.config().get("dataDir")), "meta.json");
    CharTokenizer tokenizer = CharTokenizer.load(metaFile); // the 65-character vocabulary
    // endregion
    return new BabyModel(model, tokenizer, true);
  }

  /**
   * A 2-layer, 2-head, 32-wide model (block 64) with nanoGPT's initialisation from {@code seed},
   * over the characters of {@link #SAMPLE}; untrained, so its text is noise, but every code path
   * runs.
   */
  public static BabyModel tiny(long seed) {
    CharTokenizer tok = CharTokenizer.fit(SAMPLE);
    GPT2Config cfg =
        new GPT2Config(
            2, 2, 32, 64, tok.vocabSize(), 0.0, false, 1e-5, GPT2Config.Activation.GELU, true);
    GPT2 model = new GPT2(cfg, seed);
    model.eval();
    return new BabyModel(model, tok, false);
  }

  /**
   * The checkpoint named by {@code args[0]} (with {@code args[1]} as the optional {@code
   * meta.json}), or {@link #tiny} when there are no arguments: how every walkthrough {@code main}
   * picks its model.
   *
   * @throws IOException if a named checkpoint cannot be read
   */
  public static BabyModel fromArgs(String[] args) throws IOException {
    if (args.length == 0) {
      return tiny(1337);
    }
    return load(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : null);
  }
}
