package dev.residual.transformer.generate;

import dev.residual.nn.functional.F;
import dev.residual.tensor.DType;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Parallel;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Incremental inference for a {@link GPT2}: runs only the new tokens through the model, reading
 * every earlier position's keys and values from a {@link KVCache}. This is what makes generation
 * cost one token's worth of compute per step instead of the whole context's.
 *
 * <p>Decoding one token is matrix-vector work bound by memory bandwidth (every weight is read once
 * per step), so a step with at most {@value #SMALL_ROWS} activation rows streams the weights with
 * SIMD dot products, four weight rows at a time, split over {@link dev.residual.tensor.Threads}
 * threads; larger steps (prompt encoding) use BLAS matrix products through {@link F#linear}. No
 * autograd, no allocation per weight.
 *
 * <p><b>Memory.</b> The decoder keeps a copy of every parameter on the Java heap (as large as the
 * model: 0.5 GB for GPT-2 small), because the JDK streams heap arrays into SIMD registers markedly
 * faster than off-heap memory. The copy is taken when the decoder is built; call {@link #refresh()}
 * after changing the model's weights. The model must be FLOAT32. Logits equal {@link
 * GPT2#forward(Tensor)} on the same context to float rounding (the tests hold them to 1e-4).
 *
 * <p>Needs the JVM option {@code --add-modules jdk.incubator.vector} (the launcher, tests and
 * benchmarks pass it).
 */
public final class Decoder {
  /** Steps with at most this many activation rows use the matrix-vector path. */
  static final int SMALL_ROWS = 4;

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private final GPT2 model;
  private final GPT2Config config;
  private final int c;
  private final int nHead;
  private final int headSize;
  private final Weight wte;
  private final Weight wpe;
  private final Layer[] layers;
  private final Weight lnFw;
  private final Weight lnFb;
  private final Weight head;
  private final java.util.List<Weight> all = new java.util.ArrayList<>();

  /**
   * A parameter and a copy of its values on the Java heap: {@code FloatVector.fromArray} streams a
   * heap array at 13-14 GB/s on one core here, {@code fromByteBuffer} over the off-heap original at
   * 8-9 GB/s, and decoding is bound by exactly that read.
   */
  private static final class Weight {
    final Tensor tensor;
    final float[] data;

    Weight(Tensor tensor) {
      this.tensor = tensor;
      this.data = new float[(int) tensor.numel()];
      refresh();
    }

    void refresh() {
      tensor.storage().f.get(0, data, 0, data.length);
    }
  }

  private record Layer(
      Weight ln1w,
      Weight ln1b,
      Weight attnW,
      Weight attnB,
      Weight projW,
      Weight projB,
      Weight ln2w,
      Weight ln2b,
      Weight fcW,
      Weight fcB,
      Weight mlpW,
      Weight mlpB) {}

  /**
   * A decoder over {@code model}'s parameters.
   *
   * @throws IllegalArgumentException if the model's parameters are not FLOAT32
   */
  public Decoder(GPT2 model) {
    this.model = model;
    this.config = model.config();
    this.c = config.nEmbd();
    this.nHead = config.nHead();
    this.headSize = config.headSize();
    Map<String, Tensor> p = model.namedParameters();
    for (Map.Entry<String, Tensor> e : p.entrySet()) {
      if (e.getValue().dtype() != DType.FLOAT32) {
        throw new IllegalArgumentException(
            "Decoder: the model must be FLOAT32, but '"
                + e.getKey()
                + "' is "
                + e.getValue().dtype());
      }
    }
    this.wte = param(p, "transformer.wte.weight");
    this.wpe = param(p, "transformer.wpe.weight");
    this.layers = new Layer[config.nLayer()];
    for (int l = 0; l < layers.length; l++) {
      String pre = "transformer.h." + l + ".";
      layers[l] =
          new Layer(
              param(p, pre + "ln_1.weight"),
              optional(p, pre + "ln_1.bias"),
              param(p, pre + "attn.c_attn.weight"),
              optional(p, pre + "attn.c_attn.bias"),
              param(p, pre + "attn.c_proj.weight"),
              optional(p, pre + "attn.c_proj.bias"),
              param(p, pre + "ln_2.weight"),
              optional(p, pre + "ln_2.bias"),
              param(p, pre + "mlp.c_fc.weight"),
              optional(p, pre + "mlp.c_fc.bias"),
              param(p, pre + "mlp.c_proj.weight"),
              optional(p, pre + "mlp.c_proj.bias"));
    }
    this.lnFw = param(p, "transformer.ln_f.weight");
    this.lnFb = optional(p, "transformer.ln_f.bias");
    this.head = config.tieWeights() ? wte : param(p, "lm_head.weight");
  }

  private Weight param(Map<String, Tensor> p, String name) {
    Tensor t = p.get(name);
    if (t == null) {
      throw new IllegalArgumentException("Decoder: the model has no parameter '" + name + "'");
    }
    Weight w = new Weight(t);
    all.add(w);
    return w;
  }

  private Weight optional(Map<String, Tensor> p, String name) {
    return p.containsKey(name) ? param(p, name) : null;
  }

  /**
   * Re-reads the model's parameters. The decoder keeps its own copy of every weight (streaming them
   * from the Java heap is what makes decoding fast), so call this after changing the model, e.g.
   * between training and sampling.
   */
  public void refresh() {
    for (Weight w : all) {
      w.refresh();
    }
  }

  /** The model this decoder runs. */
  public GPT2 model() {
    return model;
  }

  /** An empty cache for {@code batch} sequences. */
  public KVCache newCache(int batch) {
    return new KVCache(batch, config.nLayer(), nHead, headSize, config.blockSize());
  }

  /**
   * Encodes {@code t} new tokens per row after the cache's contents and returns the logits of the
   * last new position of each row, {@code [batch, vocab]} flattened.
   *
   * @param tokens token ids {@code [batch, t]} flattened, row-major
   * @see #forward(int[], int, KVCache, boolean)
   */
  public float[] forward(int[] tokens, int t, KVCache cache) {
    return forward(tokens, t, cache, false);
  }

  /**
   * Encodes {@code t} new tokens per row after the cache's contents, appending their keys and
   * values to it.
   *
   * <p>Position ids count from each row's {@link KVCache#start(int)}, so a left-padded row gets the
   * same positions as it would alone; padding columns are masked out of attention.
   *
   * @param tokens token ids {@code [batch, t]} flattened, row-major ({@code batch} is the cache's)
   * @param t new tokens per row, at least 1
   * @param allPositions return the logits of every new position, {@code [batch, t, vocab]}, instead
   *     of only the last, {@code [batch, vocab]}
   * @return logits, flattened row-major
   * @throws IllegalArgumentException if {@code tokens.length != batch * t}, a token id is outside
   *     {@code [0, vocab)}, or the cache would exceed the block size
   */
  public float[] forward(int[] tokens, int t, KVCache cache, boolean allPositions) {
    int batch = cache.batch();
    if (t < 1 || tokens.length != batch * t) {
      throw new IllegalArgumentException(
          "Decoder.forward: "
              + tokens.length
              + " tokens do not form [batch "
              + batch
              + ", t "
              + t
              + "] (t must be at least 1)");
    }
    int vocab = config.vocabSize();
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new IllegalArgumentException(
            "Decoder.forward: token id "
                + tokens[i]
                + " at flat position "
                + i
                + " is out of range [0, "
                + vocab
                + ")");
      }
    }
    int past = cache.length();
    cache.ensure(past + t);
    int n = batch * t;
    float[] x = new float[n * c];
    float[] te = wte.data;
    float[] pe = wpe.data;
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < t; j++) {
        int row = b * t + j;
        int pos = Math.max(0, past + j - cache.start(b));
        int tok = tokens[row];
        for (int i = 0; i < c; i++) {
          x[row * c + i] = te[tok * c + i] + pe[pos * c + i];
        }
      }
    }
    float[] h = new float[n * c];
    float[] qkv = new float[n * 3 * c];
    float[] y = new float[n * c];
    float[] tmp = new float[n * c];
    float[] hidden = new float[n * 4 * c];
    for (int l = 0; l < layers.length; l++) {
      Layer w = layers[l];
      layerNorm(x, n, w.ln1w, w.ln1b, h);
      linear(h, n, c, w.attnW, w.attnB, qkv);
      attention(qkv, batch, t, cache, l, y);
      linear(y, n, c, w.projW, w.projB, tmp);
      addInPlace(x, tmp);
      layerNorm(x, n, w.ln2w, w.ln2b, h);
      linear(h, n, c, w.fcW, w.fcB, hidden);
      gelu(hidden, n);
      linear(hidden, n, 4 * c, w.mlpW, w.mlpB, tmp);
      addInPlace(x, tmp);
    }
    cache.advance(t);
    int outRows = allPositions ? n : batch;
    float[] last = x;
    if (!allPositions) {
      last = new float[batch * c];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(x, ((b + 1) * t - 1) * c, last, b * c, c);
      }
    }
    float[] normed = new float[outRows * c];
    layerNorm(last, outRows, lnFw, lnFb, normed);
    float[] logits = new float[outRows * vocab];
    linear(normed, outRows, c, head, null, logits);
    return logits;
  }

  // ---------------------------------------------------------------- kernels

  private void layerNorm(float[] x, int rows, Weight weight, Weight bias, float[] out) {
    float[] wb = weight.data;
    float[] bb = bias == null ? null : bias.data;
    double eps = config.layerNormEps();
    for (int r = 0; r < rows; r++) {
      int o = r * c;
      double mean = 0;
      for (int i = 0; i < c; i++) {
        mean += x[o + i];
      }
      mean /= c;
      double var = 0;
      for (int i = 0; i < c; i++) {
        double d = x[o + i] - mean;
        var += d * d;
      }
      var /= c;
      double inv = 1.0 / Math.sqrt(var + eps);
      for (int i = 0; i < c; i++) {
        double v = (x[o + i] - mean) * inv * wb[i];
        if (bb != null) {
          v += bb[i];
        }
        out[o + i] = (float) v;
      }
    }
  }

  /**
   * {@code out[r, j] = in[r, :] · w[j, :] + bias[j]} for {@code rows} rows of width {@code k}; w is
   * {@code [m, k]} (a Linear weight), out {@code [rows, m]}.
   */
  private static void linear(float[] in, int rows, int k, Weight w, Weight bias, float[] out) {
    int m = (int) w.tensor.shape()[0];
    if (rows > SMALL_ROWS) {
      try (Tensor.NoGrad ignored = Tensor.noGrad()) {
        Tensor r = F.linear(Tensor.of(in, rows, k), w.tensor, bias == null ? null : bias.tensor);
        r.storage().f.get(0, out, 0, rows * m);
      }
      return;
    }
    float[] wa = w.data;
    float[] ba = bias == null ? null : bias.data;
    int groups = (m + 3) / 4;
    Parallel.forRange(
        groups,
        64,
        (lo, hi) -> {
          for (int gi = lo; gi < hi; gi++) {
            int j = 4 * gi;
            for (int r = 0; r < rows; r++) {
              if (j + 4 <= m) {
                dot4(wa, j, k, in, r * k, out, r * m + j);
              } else {
                for (int jj = j; jj < m; jj++) {
                  out[r * m + jj] = dot(in, r * k, wa, jj * k, k);
                }
              }
            }
            if (ba != null) {
              for (int r = 0; r < rows; r++) {
                for (int jj = j; jj < Math.min(m, j + 4); jj++) {
                  out[r * m + jj] += ba[jj];
                }
              }
            }
          }
        });
  }

  /**
   * Four dot products at once, {@code out[oo + i] = w[j + i, :] · x[xo..xo+k)} for i in 0..3: the
   * loads of {@code x} are shared and four independent accumulators keep the FMA units busy.
   */
  private static void dot4(float[] w, int j, int k, float[] x, int xo, float[] out, int oo) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    int w0 = j * k;
    int w1 = w0 + k;
    int w2 = w1 + k;
    int w3 = w2 + k;
    int i = 0;
    for (; i + S.length() <= k; i += S.length()) {
      FloatVector xv = FloatVector.fromArray(S, x, xo + i);
      a0 = FloatVector.fromArray(S, w, w0 + i).fma(xv, a0);
      a1 = FloatVector.fromArray(S, w, w1 + i).fma(xv, a1);
      a2 = FloatVector.fromArray(S, w, w2 + i).fma(xv, a2);
      a3 = FloatVector.fromArray(S, w, w3 + i).fma(xv, a3);
    }
    float s0 = a0.reduceLanes(VectorOperators.ADD);
    float s1 = a1.reduceLanes(VectorOperators.ADD);
    float s2 = a2.reduceLanes(VectorOperators.ADD);
    float s3 = a3.reduceLanes(VectorOperators.ADD);
    for (; i < k; i++) {
      float xv = x[xo + i];
      s0 += w[w0 + i] * xv;
      s1 += w[w1 + i] * xv;
      s2 += w[w2 + i] * xv;
      s3 += w[w3 + i] * xv;
    }
    out[oo] = s0;
    out[oo + 1] = s1;
    out[oo + 2] = s2;
    out[oo + 3] = s3;
  }

  /** {@code a[ao..ao+n) · b[bo..bo+n)}. */
  private static float dot(float[] a, int ao, float[] b, int bo, int n) {
    int i = 0;
    FloatVector acc = FloatVector.zero(S);
    for (; i + S.length() <= n; i += S.length()) {
      acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s += a[ao + i] * b[bo + i];
    }
    return s;
  }

  /** {@code y[yo..yo+n) += alpha * x[xo..xo+n)}. */
  private static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    int i = 0;
    FloatVector a = FloatVector.broadcast(S, alpha);
    for (; i + S.length() <= n; i += S.length()) {
      FloatVector.fromArray(S, x, xo + i)
          .fma(a, FloatVector.fromArray(S, y, yo + i))
          .intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] += alpha * x[xo + i];
    }
  }

  /**
   * Causal attention of the {@code t} new positions of each row over the row's cached and new
   * positions; writes the new keys and values into layer {@code l} of the cache. {@code qkv} is
   * {@code [batch, t, 3C]}, {@code y} {@code [batch, t, C]}.
   */
  private void attention(float[] qkv, int batch, int t, KVCache cache, int l, float[] y) {
    int past = cache.length();
    int cap = cache.capacity();
    float[] kc = cache.keys[l];
    float[] vc = cache.values[l];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < t; j++) {
        int row = b * t + j;
        for (int hh = 0; hh < nHead; hh++) {
          int dst = ((b * nHead + hh) * cap + past + j) * headSize;
          System.arraycopy(qkv, row * 3 * c + c + hh * headSize, kc, dst, headSize);
          System.arraycopy(qkv, row * 3 * c + 2 * c + hh * headSize, vc, dst, headSize);
        }
      }
    }
    double scale = 1.0 / Math.sqrt(headSize);
    int total = batch * nHead;
    Parallel.forRange(
        total,
        Math.max(1, 4096 / Math.max(1, t * (past + t))),
        (lo, hi) -> {
          float[] scores = new float[past + t];
          for (int bh = lo; bh < hi; bh++) {
            int b = bh / nHead;
            int hh = bh % nHead;
            int first = cache.start(b);
            int base = bh * cap * headSize;
            for (int j = 0; j < t; j++) {
              int row = b * t + j;
              int q = row * 3 * c + hh * headSize;
              int lastCol = past + j;
              int out = row * c + hh * headSize;
              if (lastCol < first) {
                // A padding query: it attends to nothing; its output is never used.
                java.util.Arrays.fill(y, out, out + headSize, 0f);
                continue;
              }
              double max = Double.NEGATIVE_INFINITY;
              for (int col = first; col <= lastCol; col++) {
                double s = dot(qkv, q, kc, base + col * headSize, headSize) * scale;
                scores[col] = (float) s;
                max = Math.max(max, s);
              }
              double sum = 0;
              for (int col = first; col <= lastCol; col++) {
                double e = Math.exp(scores[col] - max);
                scores[col] = (float) e;
                sum += e;
              }
              double inv = 1.0 / sum;
              java.util.Arrays.fill(y, out, out + headSize, 0f);
              for (int col = first; col <= lastCol; col++) {
                axpy((float) (scores[col] * inv), vc, base + col * headSize, y, out, headSize);
              }
            }
          }
        });
  }

  private void gelu(float[] v, int rows) {
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      Tensor in = Tensor.of(v, rows, 4L * c);
      Tensor out = config.activation() == GPT2Config.Activation.GELU ? in.gelu() : in.geluTanh();
      out.storage().f.get(0, v, 0, v.length);
    }
  }

  private static void addInPlace(float[] x, float[] d) {
    for (int i = 0; i < x.length; i++) {
      x[i] += d[i];
    }
  }
}
