package dev.residual.benchmarks;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.List;

/**
 * One pre-LayerNorm GPT-2 transformer block built from functional ops, the workload of {@link
 * BlockBench} and {@link MemoryBench} (and of {@code peer/torch_block.py}):
 *
 * <pre>
 *   y  = x + proj(SDPA_causal(heads(split(linear(LN1(x), W_qkv, b_qkv)))))
 *   y2 = y + linear(geluTanh(linear(LN2(y), W_fc, b_fc)), W_out, b_out)
 * </pre>
 *
 * <p>Weights are {@code randn * 0.02} from a seeded {@link Generator}, biases zero, layer-norm
 * weights one and biases zero; every parameter requires grad.
 */
final class Block {
  final int d;
  final int heads;
  final int hidden;
  final Tensor ln1w;
  final Tensor ln1b;
  final Tensor wqkv;
  final Tensor bqkv;
  final Tensor wproj;
  final Tensor bproj;
  final Tensor ln2w;
  final Tensor ln2b;
  final Tensor wfc;
  final Tensor bfc;
  final Tensor wout;
  final Tensor bout;

  /**
   * True: attention through {@link F#selfAttention} on the fused projection; false: split, heads
   * transposed, {@link F#scaledDotProductAttention}, merged back (PyTorch's composition).
   */
  boolean fusedAttention = true;

  Block(int d, int heads, int hidden, Generator g) {
    this.d = d;
    this.heads = heads;
    this.hidden = hidden;
    ln1w = Tensor.ones(d).requiresGrad(true);
    ln1b = Tensor.zeros(d).requiresGrad(true);
    wqkv = weight(g, 3L * d, d);
    bqkv = Tensor.zeros(3L * d).requiresGrad(true);
    wproj = weight(g, d, d);
    bproj = Tensor.zeros(d).requiresGrad(true);
    ln2w = Tensor.ones(d).requiresGrad(true);
    ln2b = Tensor.zeros(d).requiresGrad(true);
    wfc = weight(g, hidden, d);
    bfc = Tensor.zeros(hidden).requiresGrad(true);
    wout = weight(g, d, hidden);
    bout = Tensor.zeros(d).requiresGrad(true);
  }

  private static Tensor weight(Generator g, long rows, long cols) {
    return Tensor.randn(g, rows, cols).mul(0.02).requiresGrad(true);
  }

  List<Tensor> parameters() {
    return List.of(ln1w, ln1b, wqkv, bqkv, wproj, bproj, ln2w, ln2b, wfc, bfc, wout, bout);
  }

  /** {@code [B, T, d]} to {@code [B, heads, T, d/heads]}. */
  Tensor toHeads(Tensor z) {
    long b = z.size(0);
    long t = z.size(1);
    return z.reshape(b, t, heads, d / heads).transpose(1, 2);
  }

  /** {@code [B, heads, T, d/heads]} back to {@code [B, T, d]}. */
  Tensor fromHeads(Tensor z) {
    long b = z.size(0);
    long t = z.size(2);
    return z.transpose(1, 2).reshape(b, t, d);
  }

  /** The block applied to {@code x [B, T, d]}. */
  Tensor forward(Tensor x) {
    long[] norm = {d};
    Tensor h = F.layerNorm(x, norm, ln1w, ln1b, 1e-5);
    Tensor merged;
    if (fusedAttention) {
      // GPT-2's attention as one op on the fused [B, T, 3d] projection.
      merged = F.selfAttention(F.linear(h, wqkv, bqkv), heads, true, null);
    } else {
      List<Tensor> qkv = F.linear(h, wqkv, bqkv).split(d, -1);
      Tensor att =
          F.scaledDotProductAttention(
              toHeads(qkv.get(0)), toHeads(qkv.get(1)), toHeads(qkv.get(2)), true, null);
      merged = fromHeads(att);
    }
    Tensor y = x.add(F.linear(merged, wproj, bproj));
    Tensor m = F.linear(F.layerNorm(y, norm, ln2w, ln2b, 1e-5), wfc, bfc).geluTanh();
    return y.add(F.linear(m, wout, bout));
  }
}
