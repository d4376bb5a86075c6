package dev.residual.examples.walkthrough;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GPT-2's forward pass written out op by op from a model's weights, for one sequence, keeping every
 * attention pattern. It computes what {@link GPT2#forward(Tensor)} computes (the walkthrough's test
 * checks the logits agree); the library fuses the attention into one kernel, this spells it out.
 */
public final class ManualGpt {
  private final GPT2Config cfg;
  private final Map<String, Tensor> p;

  /**
   * The attention probabilities of each layer, {@code [nHead, T, T]}, filled by {@link #forward}.
   */
  public final List<Tensor> patterns = new ArrayList<>();

  /** A manual forward over {@code model}'s weights. */
  public ManualGpt(GPT2 model) {
    this.cfg = model.config();
    this.p = model.stateDict();
  }

  private Tensor w(String name) {
    return p.get(name); // null for the biases of a model built with bias = false
  }

  /**
   * Next-token logits {@code [T, vocab]} for {@code tokens} (at most {@code blockSize} of them).
   */
  public Tensor forward(int[] tokens) {
    patterns.clear();
    int t = tokens.length;
    int c = cfg.nEmbd();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      // region embed
      Tensor idx = Tensor.of(tokens, t); // [T] token ids
      Tensor x =
          F.embedding(idx, w("transformer.wte.weight")) // [T, C]: one learned row per token id
              .add(w("transformer.wpe.weight").narrow(0, 0, t)); // + one learned row per position
      // endregion
      for (int layer = 0; layer < cfg.nLayer(); layer++) {
        String pre = "transformer.h." + layer + ".";
        x = x.add(attention(layernorm(x, pre + "ln_1"), pre + "attn."));
        // region mlp
        Tensor h = layernorm(x, pre + "ln_2");
        Tensor match = F.linear(h, w(pre + "mlp.c_fc.weight"), w(pre + "mlp.c_fc.bias")); // [T, 4C]
        Tensor gate =
            cfg.activation() == GPT2Config.Activation.GELU ? match.gelu() : match.geluTanh();
        x = x.add(F.linear(gate, w(pre + "mlp.c_proj.weight"), w(pre + "mlp.c_proj.bias")));
        // endregion
      }
      // region unembed
      Tensor last = layernorm(x, "transformer.ln_f");
      return F.linear(last, w("transformer.wte.weight"), null); // [T, vocab]: tied weights
      // endregion
    }
  }

  private Tensor layernorm(Tensor x, String name) {
    return F.layerNorm(
        x, new long[] {cfg.nEmbd()}, w(name + ".weight"), w(name + ".bias"), cfg.layerNormEps());
  }

  /**
   * One attention sublayer: {@code x [T, C]} (already layer-normed) to its write {@code [T, C]}.
   */
  private Tensor attention(Tensor x, String pre) {
    int t = (int) x.size(0);
    int c = cfg.nEmbd();
    int nHead = cfg.nHead();
    int d = cfg.headSize();
    // region attention
    Tensor qkv = F.linear(x, w(pre + "c_attn.weight"), w(pre + "c_attn.bias")); // [T, 3C]
    List<Tensor> parts = qkv.split(c, 1); // query, key, value: each [T, C]
    Tensor q = parts.get(0).view(t, nHead, d).transpose(0, 1); // [H, T, d]: heads side by side
    Tensor k = parts.get(1).view(t, nHead, d).transpose(0, 1);
    Tensor v = parts.get(2).view(t, nHead, d).transpose(0, 1);

    Tensor scores = q.matmul(k.transpose(1, 2)).div(Math.sqrt(d)); // [H, T, T]: query i · key j
    Tensor future = Tensor.ones(t, t).triu(1).eq(1.0); // true where key j comes after query i
    Tensor pattern = F.softmax(scores.maskedFill(future, Double.NEGATIVE_INFINITY), -1);
    Tensor mixed = pattern.matmul(v); // [H, T, d]: each query's weighted average of values

    Tensor merged = mixed.transpose(0, 1).reshape(t, c); // [T, C]: heads concatenated
    Tensor out = F.linear(merged, w(pre + "c_proj.weight"), w(pre + "c_proj.bias"));
    // endregion
    patterns.add(pattern);
    return out;
  }
}
