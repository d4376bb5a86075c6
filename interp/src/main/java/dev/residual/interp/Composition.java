package dev.residual.interp;

import dev.residual.tensor.Tensor;

/**
 * Composition scores between attention heads of different layers (Elhage et al., "A Mathematical
 * Framework for Transformer Circuits"): how much a later head reads, through its queries (Q), keys
 * (K) or values (V), the subspace an earlier head writes with its OV circuit. The score of earlier
 * OV circuit {@code W_A} and later circuit {@code W_B} is {@code ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F)},
 * computed in factored form.
 */
public final class Composition {
  private Composition() {}

  /** Which input of the later head reads the earlier head's output. */
  public enum Kind {
    /** Queries: the later head's QK circuit. */
    Q,
    /** Keys: the transpose of the later head's QK circuit. */
    K,
    /** Values: the later head's OV circuit. */
    V
  }

  /** {@code ‖left · right‖_F / (‖left‖_F ‖right‖_F)} for two 2-D factored matrices. */
  public static double score(FactoredMatrix left, FactoredMatrix right) {
    double num = left.times(right).norm().item();
    double den = left.norm().item() * right.norm().item();
    return den == 0 ? 0 : num / den;
  }

  /**
   * All scores {@code [L, H, L, H]}: entry {@code [l1, h1, l2, h2]} is the {@code kind} composition
   * of head {@code (l2, h2)} with earlier head {@code (l1, h1)}; entries with {@code l1 >= l2} are
   * 0.
   */
  public static Tensor all(HookedTransformer model, Kind kind) {
    int layers = model.nLayers();
    int heads = model.nHeads();
    FactoredMatrix ov = model.OV();
    FactoredMatrix qk = model.QK();
    float[] out = new float[layers * heads * layers * heads];
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int l1 = 0; l1 < layers; l1++) {
        for (int h1 = 0; h1 < heads; h1++) {
          FactoredMatrix left = head(ov, l1, h1);
          for (int l2 = l1 + 1; l2 < layers; l2++) {
            for (int h2 = 0; h2 < heads; h2++) {
              FactoredMatrix right =
                  switch (kind) {
                    case Q -> head(qk, l2, h2);
                    case K -> head(qk, l2, h2).transpose();
                    case V -> head(ov, l2, h2);
                  };
              out[((l1 * heads + h1) * layers + l2) * heads + h2] = (float) score(left, right);
            }
          }
        }
      }
    }
    return Tensor.of(out, layers, heads, layers, heads);
  }

  /**
   * The composition score expected by chance: the mean score of {@code samples} pairs of random
   * Gaussian factored matrices shaped like the model's OV circuit ({@code [d_model, d_head] ·
   * [d_head, d_model]}). Scores well above it indicate real composition.
   *
   * @throws IllegalArgumentException if {@code samples < 1}
   */
  public static double randomBaseline(
      HookedTransformer model, int samples, dev.residual.tensor.Generator g) {
    if (samples < 1) {
      throw new IllegalArgumentException("Composition.randomBaseline: samples must be >= 1");
    }
    int d = model.dModel();
    int k = model.dHead();
    double sum = 0;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int i = 0; i < samples; i++) {
        FactoredMatrix left = new FactoredMatrix(Tensor.randn(g, d, k), Tensor.randn(g, k, d));
        FactoredMatrix right = new FactoredMatrix(Tensor.randn(g, d, k), Tensor.randn(g, k, d));
        sum += score(left, right);
      }
    }
    return sum / samples;
  }

  private static FactoredMatrix head(FactoredMatrix m, int layer, int head) {
    return new FactoredMatrix(
        m.a().select(0, layer).select(0, head), m.b().select(0, layer).select(0, head));
  }
}
