package dev.residual.examples.walkthrough;

import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.generate.Decoder;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.generate.KVCache;
import dev.residual.transformer.generate.LogitsProcessing;
import java.io.IOException;
import java.util.Arrays;

/**
 * Walkthrough, part 6: the KV cache. Decodes token by token with a {@link KVCache}, checks each
 * step's logits against a full forward pass, and times cached against uncached generation. {@code
 * main(checkpointDir [meta.json])} or, with no arguments, a tiny untrained model.
 */
public final class KvCacheDemo {
  private KvCacheDemo() {}

  /** Prints the agreement and timing quoted in the walkthrough. */
  public static void main(String[] args) throws IOException {
    BabyModel baby = BabyModel.fromArgs(args);
    GPT2 model = baby.model();
    int[] prompt = baby.tokenizer().encode("ROMEO:\n");

    // region incremental
    Decoder decoder = new Decoder(model);
    KVCache cache = decoder.newCache(1); // one sequence
    float[] logits = decoder.forward(prompt, prompt.length, cache); // encode the prompt once
    int[] seq = Arrays.copyOf(prompt, 40);
    double worst = 0;
    for (int len = prompt.length; len < seq.length; len++) {
      seq[len] = LogitsProcessing.argmax(logits);
      // The full forward recomputes every position; the cache feeds only the new token.
      float[] full =
          model
              .forward(Tensor.of(Arrays.copyOf(seq, len), 1, len))
              .select(1, len - 1)
              .select(0, 0)
              .toFloatArray();
      for (int v = 0; v < full.length; v++) {
        worst = Math.max(worst, Math.abs(full[v] - logits[v]));
      }
      logits = decoder.forward(new int[] {seq[len]}, 1, cache); // one token in, one row out
    }
    System.out.printf(
        "%d steps, max |cached - full| = %.2e, cache holds %d positions (%,d bytes)%n",
        seq.length - prompt.length, worst, cache.length(), cache.bytes());
    // endregion

    // region speed
    int n = model.config().blockSize() - prompt.length; // stay inside the context window
    Generation gen = new Generation(model);
    gen.generate(prompt, GenerationConfig.greedy(n)); // warm up the JIT
    uncachedGreedy(model, prompt, n);
    long t0 = System.nanoTime();
    int[] cached = gen.generate(prompt, GenerationConfig.greedy(n)).tokens();
    long t1 = System.nanoTime();
    int[] uncached = uncachedGreedy(model, prompt, n); // full forward every step
    long t2 = System.nanoTime();
    System.out.printf(
        "%d tokens: cached %.1f ms, uncached %.1f ms (%.1fx); same tokens: %b%n",
        n,
        (t1 - t0) / 1e6,
        (t2 - t1) / 1e6,
        (double) (t2 - t1) / (t1 - t0),
        Arrays.equals(cached, Arrays.copyOfRange(uncached, prompt.length, uncached.length)));
    // endregion
  }

  /**
   * Greedy decoding without a cache: a full forward over the whole context for every new token.
   *
   * @return the prompt followed by {@code n} new tokens
   */
  static int[] uncachedGreedy(GPT2 model, int[] prompt, int n) {
    int[] seq = Arrays.copyOf(prompt, prompt.length + n);
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int len = prompt.length; len < seq.length; len++) {
        int from = Math.max(0, len - model.config().blockSize());
        float[] last =
            model
                .forward(Tensor.of(Arrays.copyOfRange(seq, from, len), 1, len - from))
                .select(1, len - from - 1)
                .select(0, 0)
                .toFloatArray();
        seq[len] = LogitsProcessing.argmax(last);
      }
    }
    return seq;
  }
}
