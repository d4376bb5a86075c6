package dev.residual.examples.walkthrough;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.util.Arrays;

/**
 * The snippets of {@code docs/transformer.md} (the module's quick reference), runnable: builds the
 * baby model, runs a forward pass with targets, and generates from an untrained model with a
 * character tokenizer. Prints the shapes and the generated text.
 */
public final class QuickReference {
  private QuickReference() {}

  /** Runs the snippets; no arguments. */
  public static void main(String[] args) {
    // region model
    GPT2Config cfg =
        GPT2Config.babyShakespeare(); // 4 layers, 4 heads, 128 wide, block 64, vocab 65
    GPT2 model = new GPT2(cfg, new Generator(1337)); // nanoGPT's initialisation, from a seed
    Tensor idx = Tensor.randint(new Generator(0), 0, 65, 12, 64); // [B, T] token ids, INT64
    Tensor targets = Tensor.randint(new Generator(1), 0, 65, 12, 64); // next tokens, -1 = ignore
    GPT2.Output out = model.forward(idx, targets); // logits [B, T, V] and the mean loss
    // endregion
    System.out.printf(
        "logits %s, loss %.4f%n", Arrays.toString(out.logits().shape()), out.loss().item());

    CharTokenizer tokenizer =
        CharTokenizer.fit("ROMEO: But soft, what light through yonder window breaks?\n");
    model = new GPT2(GPT2Config.of(2, 2, 32, 64, tokenizer.vocabSize()), new Generator(3));
    // region generation
    Generation gen = new Generation(model, tokenizer); // tokenizer may be null
    GenerationConfig config =
        GenerationConfig.builder()
            .maxNewTokens(200)
            .temperature(0.8)
            .topK(40)
            .topP(0.95)
            .seed(7)
            .build();
    Generation.Result r = gen.generate(tokenizer.encode("ROMEO:"), config);
    System.out.println(r.text() + "  (" + r.finishReason() + ")");
    // endregion
    System.out.println("generated " + r.tokens().length + " tokens");
  }
}
