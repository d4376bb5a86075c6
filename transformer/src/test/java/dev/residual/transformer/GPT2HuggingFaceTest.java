package dev.residual.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.io.SafeTensors;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GPT2HuggingFaceTest {
  static final int L = 2;
  static final int H = 2;
  static final int C = 8;
  static final int V = 11;
  static final int BLOCK = 16;

  @TempDir Path dir;

  /** HF-layout tensors: no prefix, Conv1D weights [in, out], attention buffers present. */
  static Map<String, Tensor> hfTensors(long seed) {
    Generator g = new Generator(seed);
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("wte.weight", Tensor.randn(g, V, C).mul(0.5));
    m.put("wpe.weight", Tensor.randn(g, BLOCK, C).mul(0.5));
    for (int i = 0; i < L; i++) {
      String p = "h." + i + ".";
      m.put(p + "ln_1.weight", Tensor.randn(g, C).mul(0.1).add(1.0));
      m.put(p + "ln_1.bias", Tensor.randn(g, C).mul(0.1));
      m.put(p + "attn.bias", Tensor.ones(BLOCK, BLOCK).tril().reshape(1, 1, BLOCK, BLOCK));
      m.put(p + "attn.masked_bias", Tensor.scalar(-1e4));
      m.put(p + "attn.c_attn.weight", Tensor.randn(g, C, 3 * C).mul(0.4));
      m.put(p + "attn.c_attn.bias", Tensor.randn(g, 3 * C).mul(0.1));
      m.put(p + "attn.c_proj.weight", Tensor.randn(g, C, C).mul(0.4));
      m.put(p + "attn.c_proj.bias", Tensor.randn(g, C).mul(0.1));
      m.put(p + "ln_2.weight", Tensor.randn(g, C).mul(0.1).add(1.0));
      m.put(p + "ln_2.bias", Tensor.randn(g, C).mul(0.1));
      m.put(p + "mlp.c_fc.weight", Tensor.randn(g, C, 4 * C).mul(0.4));
      m.put(p + "mlp.c_fc.bias", Tensor.randn(g, 4 * C).mul(0.1));
      m.put(p + "mlp.c_proj.weight", Tensor.randn(g, 4 * C, C).mul(0.2));
      m.put(p + "mlp.c_proj.bias", Tensor.randn(g, C).mul(0.1));
    }
    m.put("ln_f.weight", Tensor.randn(g, C).mul(0.1).add(1.0));
    m.put("ln_f.bias", Tensor.randn(g, C).mul(0.1));
    return m;
  }

  static void writeConfig(Path dir, String activation) throws IOException {
    Files.writeString(
        dir.resolve("config.json"),
        "{\"model_type\": \"gpt2\", \"n_layer\": "
            + L
            + ", \"n_head\": "
            + H
            + ", \"n_embd\": "
            + C
            + ", \"n_positions\": "
            + BLOCK
            + ", \"n_ctx\": "
            + BLOCK
            + ", \"vocab_size\": "
            + V
            + ", \"layer_norm_epsilon\": 1e-05, \"activation_function\": \""
            + activation
            + "\", \"n_inner\": null}");
  }

  static void writeCheckpoint(Path dir, Map<String, Tensor> tensors) throws IOException {
    writeConfig(dir, "gelu_new");
    SafeTensors.write(dir.resolve("model.safetensors"), tensors);
  }

  // ------------------------------------------------------------ independent float64 reference

  static double[][] mat(Tensor t) {
    long[] s = t.shape();
    double[] d = t.toDoubleArray();
    double[][] out = new double[(int) s[0]][(int) s[1]];
    for (int i = 0; i < s[0]; i++) {
      for (int j = 0; j < s[1]; j++) {
        out[i][j] = d[(int) (i * s[1] + j)];
      }
    }
    return out;
  }

  static double[] vec(Tensor t) {
    return t.toDoubleArray();
  }

  static double[] layerNorm(double[] x, double[] w, double[] b) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    var /= x.length;
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
    }
    return y;
  }

  /** x [in] times Conv1D weight [in, out] plus bias [out]. */
  static double[] conv1d(double[] x, double[][] w, double[] b) {
    double[] y = b.clone();
    for (int i = 0; i < x.length; i++) {
      for (int o = 0; o < y.length; o++) {
        y[o] += x[i] * w[i][o];
      }
    }
    return y;
  }

  static double geluNew(double x) {
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  /** GPT-2's forward for one sequence, straight from the HF tensors; returns logits [T][V]. */
  static double[][] reference(Map<String, Tensor> w, long[] ids) {
    int t = ids.length;
    double[][] wte = mat(w.get("wte.weight"));
    double[][] wpe = mat(w.get("wpe.weight"));
    double[][] x = new double[t][C];
    for (int i = 0; i < t; i++) {
      for (int c = 0; c < C; c++) {
        x[i][c] = wte[(int) ids[i]][c] + wpe[i][c];
      }
    }
    int hs = C / H;
    for (int l = 0; l < L; l++) {
      String p = "h." + l + ".";
      double[][] qkv = new double[t][];
      for (int i = 0; i < t; i++) {
        double[] h = layerNorm(x[i], vec(w.get(p + "ln_1.weight")), vec(w.get(p + "ln_1.bias")));
        qkv[i] =
            conv1d(h, mat(w.get(p + "attn.c_attn.weight")), vec(w.get(p + "attn.c_attn.bias")));
      }
      double[][] y = new double[t][C];
      for (int head = 0; head < H; head++) {
        for (int i = 0; i < t; i++) {
          double[] scores = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            double s = 0;
            for (int d = 0; d < hs; d++) {
              s += qkv[i][head * hs + d] * qkv[j][C + head * hs + d];
            }
            scores[j] = s / Math.sqrt(hs);
            max = Math.max(max, scores[j]);
          }
          double z = 0;
          for (int j = 0; j <= i; j++) {
            scores[j] = Math.exp(scores[j] - max);
            z += scores[j];
          }
          for (int j = 0; j <= i; j++) {
            for (int d = 0; d < hs; d++) {
              y[i][head * hs + d] += scores[j] / z * qkv[j][2 * C + head * hs + d];
            }
          }
        }
      }
      for (int i = 0; i < t; i++) {
        double[] a =
            conv1d(y[i], mat(w.get(p + "attn.c_proj.weight")), vec(w.get(p + "attn.c_proj.bias")));
        for (int c = 0; c < C; c++) {
          x[i][c] += a[c];
        }
        double[] h = layerNorm(x[i], vec(w.get(p + "ln_2.weight")), vec(w.get(p + "ln_2.bias")));
        double[] f = conv1d(h, mat(w.get(p + "mlp.c_fc.weight")), vec(w.get(p + "mlp.c_fc.bias")));
        for (int k = 0; k < f.length; k++) {
          f[k] = geluNew(f[k]);
        }
        double[] m =
            conv1d(f, mat(w.get(p + "mlp.c_proj.weight")), vec(w.get(p + "mlp.c_proj.bias")));
        for (int c = 0; c < C; c++) {
          x[i][c] += m[c];
        }
      }
    }
    double[][] logits = new double[t][V];
    for (int i = 0; i < t; i++) {
      double[] h = layerNorm(x[i], vec(w.get("ln_f.weight")), vec(w.get("ln_f.bias")));
      for (int v = 0; v < V; v++) {
        for (int c = 0; c < C; c++) {
          logits[i][v] += h[c] * wte[v][c];
        }
      }
    }
    return logits;
  }

  static final long[][] IDS = {{3, 0, 10, 7, 7, 1, 5}, {9, 2, 4, 4, 8, 6, 0}};

  static Tensor idx() {
    long[] flat = new long[IDS.length * IDS[0].length];
    for (int b = 0; b < IDS.length; b++) {
      System.arraycopy(IDS[b], 0, flat, b * IDS[0].length, IDS[0].length);
    }
    return Tensor.of(flat, IDS.length, IDS[0].length);
  }

  static double maxDiffToReference(GPT2 model, Map<String, Tensor> w) {
    double[] got = model.forward(idx()).toDoubleArray();
    double max = 0;
    int t = IDS[0].length;
    for (int b = 0; b < IDS.length; b++) {
      double[][] ref = reference(w, IDS[b]);
      for (int i = 0; i < t; i++) {
        for (int v = 0; v < V; v++) {
          max = Math.max(max, Math.abs(got[(b * t + i) * V + v] - ref[i][v]));
        }
      }
    }
    return max;
  }

  // ------------------------------------------------------------ tests

  @Test
  void fromPretrainedLogitsMatchIndependentFloat64ComputationExactlyInFloat64() throws IOException {
    Map<String, Tensor> w = hfTensors(1);
    writeCheckpoint(dir, w);
    GPT2 model = GPT2.fromPretrained(dir);
    model.eval();
    model.to(DType.FLOAT64);
    assertTrue(maxDiffToReference(model, w) < 1e-10);
  }

  @Test
  void fromPretrainedLogitsMatchReferenceInFloat32() throws IOException {
    Map<String, Tensor> w = hfTensors(2);
    writeCheckpoint(dir, w);
    GPT2 model = GPT2.fromPretrained(dir);
    model.eval();
    assertArrayEquals(new long[] {2, 7, V}, model.forward(idx()).shape());
    assertTrue(maxDiffToReference(model, w) < 1e-4);
  }

  @Test
  void fromPretrainedReadsConfigAndTiesHead() throws IOException {
    writeCheckpoint(dir, hfTensors(3));
    GPT2 model = GPT2.fromPretrained(dir);
    GPT2Config c = model.config();
    assertEquals(L, c.nLayer());
    assertEquals(H, c.nHead());
    assertEquals(C, c.nEmbd());
    assertEquals(BLOCK, c.blockSize());
    assertEquals(V, c.vocabSize());
    assertEquals(GPT2Config.Activation.GELU_TANH, c.activation());
    assertTrue(c.tieWeights());
    assertTrue(
        model.getParameter("lm_head.weight") == model.getParameter("transformer.wte.weight"));
  }

  @Test
  void fromPretrainedTransposesConv1DWeights() throws IOException {
    Map<String, Tensor> w = hfTensors(4);
    writeCheckpoint(dir, w);
    GPT2 model = GPT2.fromPretrained(dir);
    Tensor ours = model.getParameter("transformer.h.1.attn.c_attn.weight");
    assertArrayEquals(new long[] {3 * C, C}, ours.shape());
    assertArrayEquals(
        w.get("h.1.attn.c_attn.weight").t().contiguous().toFloatArray(), ours.toFloatArray());
    assertArrayEquals(
        w.get("h.0.mlp.c_proj.weight").t().contiguous().toFloatArray(),
        model.getParameter("transformer.h.0.mlp.c_proj.weight").toFloatArray());
  }

  @Test
  void fromPretrainedAcceptsTransformerPrefixAndExplicitTiedHead() throws IOException {
    Map<String, Tensor> w = hfTensors(5);
    Map<String, Tensor> prefixed = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : w.entrySet()) {
      prefixed.put("transformer." + e.getKey(), e.getValue());
    }
    prefixed.put("lm_head.weight", w.get("wte.weight"));
    writeCheckpoint(dir, prefixed);
    GPT2 model = GPT2.fromPretrained(dir);
    model.eval();
    model.to(DType.FLOAT64);
    assertTrue(maxDiffToReference(model, w) < 1e-10);
  }

  @Test
  void exactGeluActivationIsRead() throws IOException {
    writeCheckpoint(dir, hfTensors(6));
    writeConfig(dir, "gelu");
    assertEquals(GPT2Config.Activation.GELU, GPT2.fromPretrained(dir).config().activation());
  }

  @Test
  void unknownActivationIsRejected() throws IOException {
    writeCheckpoint(dir, hfTensors(6));
    writeConfig(dir, "relu");
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    assertTrue(e.getMessage().contains("relu"), e.getMessage());
  }

  @Test
  void missingTensorIsNamed() throws IOException {
    Map<String, Tensor> w = hfTensors(7);
    w.remove("h.1.mlp.c_fc.bias");
    writeCheckpoint(dir, w);
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    assertTrue(e.getMessage().contains("missing tensor 'h.1.mlp.c_fc.bias'"), e.getMessage());
    assertTrue(e.getMessage().contains("[32]"), e.getMessage());
  }

  @Test
  void misshapenTensorNamesBothShapes() throws IOException {
    Map<String, Tensor> w = hfTensors(8);
    // Linear layout instead of Conv1D: [3C, C] where [C, 3C] is expected.
    w.put("h.0.attn.c_attn.weight", Tensor.zeros(3 * C, C));
    writeCheckpoint(dir, w);
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    String m = e.getMessage();
    assertTrue(m.contains("'h.0.attn.c_attn.weight'"), m);
    assertTrue(m.contains("[24, 8]") && m.contains("[8, 24]"), m);
  }

  @Test
  void unexpectedTensorIsRejected() throws IOException {
    Map<String, Tensor> w = hfTensors(9);
    w.put("h.2.ln_1.weight", Tensor.ones(C));
    writeCheckpoint(dir, w);
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    assertTrue(e.getMessage().contains("unexpected tensor 'h.2.ln_1.weight'"), e.getMessage());
  }

  @Test
  void missingConfigFieldIsNamed() throws IOException {
    writeCheckpoint(dir, hfTensors(10));
    Files.writeString(dir.resolve("config.json"), "{\"n_layer\": 2, \"n_head\": 2}");
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    assertTrue(e.getMessage().contains("n_embd"), e.getMessage());
  }

  @Test
  void missingWeightsFileIsReported() throws IOException {
    writeConfig(dir, "gelu_new");
    IOException e = assertThrows(IOException.class, () -> GPT2.fromPretrained(dir));
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
  }

  @Test
  void saveHuggingFaceWritesHfLayoutWithoutTiedHead() throws IOException {
    Map<String, Tensor> w = hfTensors(11);
    writeCheckpoint(dir, w);
    GPT2 model = GPT2.fromPretrained(dir);
    Path out = dir.resolve("saved");
    model.saveHuggingFace(out);
    Map<String, Tensor> saved = SafeTensors.read(out.resolve("model.safetensors")).tensors();
    assertFalse(saved.containsKey("lm_head.weight"));
    for (Map.Entry<String, Tensor> e : w.entrySet()) {
      if (e.getKey().endsWith(".attn.bias") || e.getKey().endsWith(".attn.masked_bias")) {
        assertFalse(saved.containsKey(e.getKey()));
        continue;
      }
      Tensor s = saved.get(e.getKey());
      assertArrayEquals(e.getValue().shape(), s.shape(), e.getKey());
      assertArrayEquals(e.getValue().toFloatArray(), s.toFloatArray(), e.getKey());
    }
    String cfg = Files.readString(out.resolve("config.json"));
    assertTrue(cfg.contains("\"n_positions\" : 16"), cfg);
    assertTrue(cfg.contains("\"activation_function\" : \"gelu_new\""), cfg);
  }

  @Test
  void saveThenLoadRoundTripIsExact() throws IOException {
    GPT2 model = new GPT2(GPT2Config.of(2, 2, 8, 16, 11), 42);
    model.saveHuggingFace(dir);
    GPT2 back = GPT2.fromPretrained(dir);
    assertEquals(model.config(), back.config());
    Map<String, Tensor> a = model.stateDict();
    Map<String, Tensor> b = back.stateDict();
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
    }
    model.eval();
    back.eval();
    assertArrayEquals(model.forward(idx()).toFloatArray(), back.forward(idx()).toFloatArray());
  }

  @Test
  void untiedHeadRoundTripsWithLmHeadWeight() throws IOException {
    GPT2Config c =
        new GPT2Config(1, 2, 8, 16, 11, 0.0, true, 1e-5, GPT2Config.Activation.GELU, false);
    GPT2 model = new GPT2(c, 3);
    model.saveHuggingFace(dir);
    assertTrue(
        SafeTensors.read(dir.resolve("model.safetensors")).tensors().containsKey("lm_head.weight"));
    GPT2 back = GPT2.fromPretrained(dir);
    assertEquals(c, back.config());
    assertArrayEquals(
        model.getParameter("lm_head.weight").toFloatArray(),
        back.getParameter("lm_head.weight").toFloatArray());
  }

  @Test
  void saveWithoutBiasesIsRefused() {
    GPT2Config c =
        new GPT2Config(1, 2, 8, 16, 11, 0.0, false, 1e-5, GPT2Config.Activation.GELU_TANH, true);
    assertThrows(IllegalStateException.class, () -> new GPT2(c, 1).saveHuggingFace(dir));
  }
}
