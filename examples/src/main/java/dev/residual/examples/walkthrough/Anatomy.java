package dev.residual.examples.walkthrough;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.train.TrainConfig;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Walkthrough, part 2: the parts of the model: parameter shapes and counts, weight tying, nanoGPT's
 * initialisation and LayerNorm. Builds fresh models; needs no checkpoint.
 */
public final class Anatomy {
  private Anatomy() {}

  /** Prints the shapes, counts and statistics quoted in the walkthrough. */
  public static void main(String[] args) throws IOException {
    // region shapes
    // The model `residual gpt train` builds: nanoGPT's baby config (no biases) over 65 characters.
    GPT2Config cfg =
        TrainConfig.builder().activation(GPT2Config.Activation.GELU).build().modelConfig(65);
    GPT2 model = new GPT2(cfg, 1337);
    for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
      if (!e.getKey().startsWith("transformer.h.") || e.getKey().startsWith("transformer.h.0.")) {
        System.out.printf("%-36s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
      }
    }
    System.out.printf("%,d parameters%n", model.numParameters());
    // endregion

    // region tying
    Map<String, Tensor> state = model.stateDict();
    Tensor wte = state.get("transformer.wte.weight");
    Tensor head = state.get("lm_head.weight");
    System.out.println("lm_head is wte: " + (wte == head)); // one tensor, two names
    long untied = model.numParameters() + (long) cfg.vocabSize() * cfg.nEmbd(); // + [65, 128]
    System.out.printf("without tying: %,d parameters%n", untied);
    System.out.printf(
        "GPT-2 small: %,d parameters, of which wte %,d%n",
        GPT2.countParameters(GPT2Config.gpt2()), 50257L * 768);
    // endregion

    // region init
    for (String name :
        new String[] {
          "transformer.wte.weight",
          "transformer.h.0.attn.c_attn.weight",
          "transformer.h.0.attn.c_proj.weight",
          "transformer.h.0.mlp.c_proj.weight"
        }) {
      System.out.printf("std of %-36s %.5f%n", name, state.get(name).std(false).item());
    }
    System.out.printf("0.02 / sqrt(2 * nLayer) = %.5f%n", 0.02 / Math.sqrt(2 * cfg.nLayer()));
    // endregion

    // region residual-growth
    // Add 2·nLayer unit-variance "block outputs" to the residual stream: the variance grows with
    // the number of writes unless each write is scaled down by 1/sqrt(number of writes).
    Generator g = new Generator(0);
    int writes = 2 * 12; // GPT-2 small: 12 blocks, each writes twice (attention, MLP)
    Tensor plain = Tensor.zeros(10_000);
    Tensor scaled = Tensor.zeros(10_000);
    for (int i = 0; i < writes; i++) {
      Tensor out = Tensor.randn(g, 10_000);
      plain = plain.add(out);
      scaled = scaled.add(out.div(Math.sqrt(writes)));
    }
    System.out.printf(
        "std after %d writes: %.2f unscaled, %.2f scaled%n",
        writes, plain.std(false).item(), scaled.std(false).item());
    // endregion

    // region layernorm
    Tensor x = Tensor.of(new float[] {1, 2, 3, 10, -4, 0, 4, 8}, 2, 4); // two vectors of 4
    Tensor y = F.layerNorm(x, new long[] {4}, null, null, 1e-5);
    System.out.println(y);
    System.out.printf(
        "row means %.3f %.3f, row stds %.3f %.3f%n",
        y.select(0, 0).mean().item(),
        y.select(0, 1).mean().item(),
        y.select(0, 0).std(false).item(),
        y.select(0, 1).std(false).item());
    // endregion
  }
}
