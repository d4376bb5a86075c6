package dev.residual.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.residual.io.SafeTensors;
import dev.residual.nn.Embedding;
import dev.residual.nn.Linear;
import dev.residual.nn.Module;
import dev.residual.nn.ModuleList;
import dev.residual.nn.functional.F;
import dev.residual.nn.init.Init;
import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GPT-2 as in nanoGPT: token and learned position embeddings, {@code nLayer} pre-LayerNorm blocks
 * (causal self-attention with a fused QKV projection, then a 4x-wide MLP), a final LayerNorm and a
 * language-model head, by default tied to the token embedding.
 *
 * <p>Parameter names are nanoGPT's: {@code transformer.wte.weight}, {@code transformer.wpe.weight},
 * {@code transformer.h.{i}.ln_1.weight}, {@code transformer.h.{i}.attn.c_attn.weight} ({@code [3C,
 * C]}), {@code transformer.h.{i}.attn.c_proj.weight}, {@code transformer.h.{i}.ln_2.weight}, {@code
 * transformer.h.{i}.mlp.c_fc.weight} ({@code [4C, C]}), {@code
 * transformer.h.{i}.mlp.c_proj.weight}, {@code transformer.ln_f.weight} and {@code lm_head.weight}.
 * With tied weights {@code lm_head.weight} is the same tensor as {@code transformer.wte.weight}:
 * {@link #namedParameters()} lists it once (under the embedding's name) and {@link
 * #numParameters()} counts it once, while {@link #stateDict()} has both keys, as in PyTorch.
 *
 * <p>Dropout (when {@code config.dropout() > 0}, training mode only) is applied to the embedding
 * sum, to each attention block's output projection and to each MLP's output, as nanoGPT does; the
 * dropout on attention probabilities is not applied because the fused attention kernel does not
 * materialise them.
 *
 * <p>Weights are read through {@link #getParameter} on every forward, so {@link #to(DType)} (e.g.
 * to FLOAT64 for exact checks) works.
 */
public class GPT2 extends Module {
  /** Ignore index of {@link #forward(Tensor, Tensor)}'s targets, as nanoGPT. */
  public static final int IGNORE_INDEX = -1;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CONV1D =
      List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj");

  private final GPT2Config config;
  private final Transformer transformer;
  private final LmHead lmHead;

  /**
   * Logits and loss of {@link #forward(Tensor, Tensor)}.
   *
   * @param logits {@code [B, T, vocab]}
   * @param loss scalar mean cross-entropy over targets that are not {@link #IGNORE_INDEX}
   */
  public record Output(Tensor logits, Tensor loss) {}

  /**
   * A freshly initialised model: every Linear and Embedding weight from {@code N(0, 0.02)}, the
   * residual output projections ({@code c_proj.weight}) from {@code N(0, 0.02/√(2·nLayer))}, biases
   * zero, LayerNorms ones and zeros. {@code g} also drives dropout.
   *
   * @throws IllegalArgumentException if {@code config} or {@code g} is null
   */
  public GPT2(GPT2Config config, Generator g) {
    if (config == null || g == null) {
      throw new IllegalArgumentException("GPT2: config and generator must not be null");
    }
    this.config = config;
    this.transformer = registerModule("transformer", new Transformer(config, g));
    Tensor head =
        config.tieWeights()
            ? transformer.wte.weight()
            : Tensor.empty(Tensor.defaultDType(), config.vocabSize(), config.nEmbd());
    this.lmHead = registerModule("lm_head", new LmHead(head));
    initWeights(g);
  }

  /** A model initialised from a generator seeded with {@code seed}. */
  public GPT2(GPT2Config config, long seed) {
    this(config, new Generator(seed));
  }

  private void initWeights(Generator g) {
    double projStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Map.Entry<String, Module> e : namedModules().entrySet()) {
        Module m = e.getValue();
        if (m instanceof Linear lin) {
          double std = e.getKey().endsWith("c_proj") ? projStd : 0.02;
          Init.normal_(lin.weight(), 0, std, g);
          if (lin.bias() != null) {
            Init.zeros_(lin.bias());
          }
        } else if (m instanceof Embedding emb) {
          Init.normal_(emb.weight(), 0, 0.02, g);
        } else if (m instanceof LmHead && !config.tieWeights()) {
          Init.normal_(m.getParameter("weight"), 0, 0.02, g);
        }
      }
    }
  }

  /** The configuration this model was built with. */
  public GPT2Config config() {
    return config;
  }

  /**
   * The number of parameters a {@link GPT2} with {@code config} has (tied weights counted once),
   * computed without building it; 124,439,808 for {@link GPT2Config#gpt2()}.
   */
  public static long countParameters(GPT2Config config) {
    long c = config.nEmbd();
    long b = config.bias() ? 1 : 0;
    long ln = c + b * c;
    long perLayer =
        2 * ln
            + (c * 3 * c + b * 3 * c)
            + (c * c + b * c)
            + (c * 4 * c + b * 4 * c)
            + (4 * c * c + b * c);
    long n = (long) config.vocabSize() * c + (long) config.blockSize() * c;
    n += config.nLayer() * perLayer + ln;
    if (!config.tieWeights()) {
      n += (long) config.vocabSize() * c;
    }
    return n;
  }

  // ---------------------------------------------------------------- forward

  /**
   * Next-token logits for every position.
   *
   * @param idx token ids {@code [B, T]}, integer (INT64 or INT32)
   * @return logits {@code [B, T, vocab]}
   * @throws IllegalArgumentException if {@code idx} is not an integer 2-D tensor, {@code T} exceeds
   *     {@code blockSize}, or a token id is outside {@code [0, vocabSize)}
   */
  public Tensor forward(Tensor idx) {
    checkIndices("forward", idx);
    return logits(idx);
  }

  private Tensor logits(Tensor idx) {
    long t = idx.shape()[1];
    Tensor pos = Tensor.arange(t);
    Tensor x = transformer.wte.forward(idx).add(transformer.wpe.forward(pos));
    x = dropout(x);
    for (Block block : transformer.h) {
      x = block.forward(x);
    }
    x = transformer.lnF.forward(x);
    return lmHead.forward(x);
  }

  /**
   * Logits and the mean cross-entropy against {@code targets}; targets equal to {@link
   * #IGNORE_INDEX} (−1) do not count.
   *
   * @param idx token ids {@code [B, T]}
   * @param targets next-token ids {@code [B, T]}, each in {@code [0, vocab)} or −1
   * @throws IllegalArgumentException as {@link #forward(Tensor)}, or if {@code targets} does not
   *     have {@code idx}'s shape or holds an id out of range
   */
  public Output forward(Tensor idx, Tensor targets) {
    checkIndices("forward", idx);
    if (targets == null || !Arrays.equals(targets.shape(), idx.shape())) {
      throw new IllegalArgumentException(
          "GPT2.forward: targets shape "
              + (targets == null ? "null" : Arrays.toString(targets.shape()))
              + " must equal idx shape "
              + Arrays.toString(idx.shape()));
    }
    Tensor logits = logits(idx);
    Tensor loss = F.crossEntropy(logits, targets, IGNORE_INDEX, F.Reduction.MEAN);
    return new Output(logits, loss);
  }

  private void checkIndices(String op, Tensor idx) {
    if (idx == null) {
      throw new IllegalArgumentException("GPT2." + op + ": idx must not be null");
    }
    if (idx.dtype() != DType.INT64 && idx.dtype() != DType.INT32) {
      throw new IllegalArgumentException(
          "GPT2." + op + ": idx must be INT64 (or INT32) token ids, got " + idx.dtype());
    }
    if (idx.dim() != 2) {
      throw new IllegalArgumentException(
          "GPT2." + op + ": idx must be [B, T], got shape " + Arrays.toString(idx.shape()));
    }
    long t = idx.shape()[1];
    if (t > config.blockSize()) {
      throw new IllegalArgumentException(
          "GPT2."
              + op
              + ": sequence length T = "
              + t
              + " exceeds blockSize "
              + config.blockSize()
              + " (idx shape "
              + Arrays.toString(idx.shape())
              + ")");
    }
    long[] ids = idx.toLongArray();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
        throw new IllegalArgumentException(
            "GPT2."
                + op
                + ": token id "
                + ids[i]
                + " at flat position "
                + i
                + " is out of range [0, "
                + config.vocabSize()
                + ")");
      }
    }
  }

  private Tensor dropout(Tensor x) {
    return config.dropout() > 0 ? transformer.drop.apply(x, isTraining()) : x;
  }

  // ---------------------------------------------------------------- Hugging Face format

  /**
   * Loads a Hugging Face GPT-2 directory: {@code config.json} ({@code n_layer, n_head, n_embd,
   * n_positions, vocab_size, layer_norm_epsilon, activation_function}) and {@code
   * model.safetensors}. Keys may carry a {@code transformer.} prefix or not; the {@code
   * h.N.attn.bias} and {@code h.N.attn.masked_bias} buffers are ignored; a missing {@code
   * lm_head.weight} means tied. Conv1D weights ({@code attn.c_attn, attn.c_proj, mlp.c_fc,
   * mlp.c_proj}), stored {@code [in, out]}, are transposed into Linear's {@code [out, in]}. The
   * model has dropout 0 and weights of the default dtype, whatever the file's dtype; like any fresh
   * module it is in training mode.
   *
   * @throws IOException if a file cannot be read, {@code config.json} lacks a field, names an
   *     unknown activation, or {@code model.safetensors} misses a tensor, has a tensor of the wrong
   *     shape (both shapes named) or an unexpected one
   */
  public static GPT2 fromPretrained(Path dir) throws IOException {
    GPT2Config cfg = readHfConfig(dir.resolve("config.json"));
    Path weights = dir.resolve("model.safetensors");
    if (!Files.exists(weights)) {
      throw new IOException("GPT2.fromPretrained: " + weights + " does not exist");
    }
    Map<String, Tensor> hf = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : SafeTensors.read(weights).tensors().entrySet()) {
      String k = e.getKey();
      if (k.startsWith("transformer.")) {
        k = k.substring("transformer.".length());
      }
      if (k.endsWith(".attn.bias") || k.endsWith(".attn.masked_bias")) {
        continue;
      }
      hf.put(k, e.getValue());
    }
    GPT2 model;
    try (Init.Skip ignored = Init.skip()) { // every weight is loaded below
      model = new GPT2(cfg, new Generator(0));
    }
    Map<String, Tensor> state = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
      String name = e.getKey();
      if (name.equals("lm_head.weight") && cfg.tieWeights()) {
        used.add("lm_head.weight");
        continue;
      }
      String key = hfName(name);
      boolean conv = isConv1D(name);
      long[] own = e.getValue().shape();
      long[] expected = conv ? new long[] {own[1], own[0]} : own;
      Tensor src = hf.get(key);
      if (src == null) {
        problems.add(
            "missing tensor '" + key + "' (expected shape " + Arrays.toString(expected) + ")");
        continue;
      }
      used.add(key);
      if (!Arrays.equals(src.shape(), expected)) {
        problems.add(
            "tensor '"
                + key
                + "' has shape "
                + Arrays.toString(src.shape())
                + ", expected "
                + Arrays.toString(expected)
                + (conv ? " (Conv1D layout [in, out])" : ""));
        continue;
      }
      state.put(name, conv ? src.t().contiguous() : src);
    }
    for (String k : hf.keySet()) {
      if (!used.contains(k)) {
        problems.add("unexpected tensor '" + k + "' " + Arrays.toString(hf.get(k).shape()));
      }
    }
    if (!problems.isEmpty()) {
      throw new IOException(
          "GPT2.fromPretrained: "
              + weights
              + " does not match config.json: "
              + String.join("; ", problems));
    }
    model.loadStateDict(state, false);
    return model;
  }

  private static GPT2Config readHfConfig(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException("GPT2.fromPretrained: " + path + " does not exist");
    }
    JsonNode n = JSON.readTree(path.toFile());
    int nLayer = requireInt(n, "n_layer", path);
    int nHead = requireInt(n, "n_head", path);
    int nEmbd = requireInt(n, "n_embd", path);
    int nPositions = requireInt(n, "n_positions", path);
    int vocab = requireInt(n, "vocab_size", path);
    JsonNode inner = n.get("n_inner");
    if (inner != null && !inner.isNull() && inner.asInt() != 4 * nEmbd) {
      throw new IOException(
          "GPT2.fromPretrained: n_inner = "
              + inner.asInt()
              + " in "
              + path
              + " is not supported (only 4 * n_embd = "
              + (4 * nEmbd)
              + ")");
    }
    double eps = n.has("layer_norm_epsilon") ? n.get("layer_norm_epsilon").asDouble() : 1e-5;
    String act = n.has("activation_function") ? n.get("activation_function").asText() : "gelu_new";
    GPT2Config.Activation activation;
    switch (act) {
      case "gelu_new", "gelu_pytorch_tanh" -> activation = GPT2Config.Activation.GELU_TANH;
      case "gelu" -> activation = GPT2Config.Activation.GELU;
      default ->
          throw new IOException(
              "GPT2.fromPretrained: activation_function '"
                  + act
                  + "' in "
                  + path
                  + " is not supported (gelu_new, gelu_pytorch_tanh, gelu)");
    }
    boolean tie = !n.has("tie_word_embeddings") || n.get("tie_word_embeddings").asBoolean();
    try {
      return new GPT2Config(
          nLayer, nHead, nEmbd, nPositions, vocab, 0.0, true, eps, activation, tie);
    } catch (IllegalArgumentException e) {
      throw new IOException("GPT2.fromPretrained: invalid " + path + ": " + e.getMessage(), e);
    }
  }

  private static int requireInt(JsonNode n, String field, Path path) throws IOException {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new IOException(
          "GPT2.fromPretrained: " + path + " lacks integer field '" + field + "'");
    }
    return v.asInt();
  }

  /**
   * Writes this model as a Hugging Face GPT-2 directory ({@code config.json} and {@code
   * model.safetensors}, created with {@code dir} if needed): keys without the {@code transformer.}
   * prefix, Conv1D weights transposed back to {@code [in, out]}, {@code lm_head.weight} omitted
   * when tied. {@link #fromPretrained} of the result reproduces every parameter exactly.
   *
   * @throws IllegalStateException if the model has no biases ({@code bias = false}), which the
   *     Hugging Face GPT-2 format cannot express
   * @throws IOException if a file cannot be written
   */
  public void saveHuggingFace(Path dir) throws IOException {
    if (!config.bias()) {
      throw new IllegalStateException(
          "GPT2.saveHuggingFace: the Hugging Face GPT-2 format has no bias-free variant");
    }
    Files.createDirectories(dir);
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
        String name = e.getKey();
        if (name.equals("lm_head.weight") && config.tieWeights()) {
          continue;
        }
        Tensor v = e.getValue().detach();
        out.put(hfName(name), isConv1D(name) ? v.t().contiguous() : v);
      }
    }
    SafeTensors.write(dir.resolve("model.safetensors"), out, Map.of("format", "pt"));
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add("GPT2LMHeadModel");
    c.put("model_type", "gpt2");
    c.put(
        "activation_function",
        config.activation() == GPT2Config.Activation.GELU ? "gelu" : "gelu_new");
    c.put("n_layer", config.nLayer());
    c.put("n_head", config.nHead());
    c.put("n_embd", config.nEmbd());
    c.put("n_positions", config.blockSize());
    c.put("n_ctx", config.blockSize());
    c.put("vocab_size", config.vocabSize());
    c.put("layer_norm_epsilon", config.layerNormEps());
    c.putNull("n_inner");
    c.put("resid_pdrop", config.dropout());
    c.put("embd_pdrop", config.dropout());
    c.put("attn_pdrop", config.dropout());
    c.put("tie_word_embeddings", config.tieWeights());
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), c);
  }

  private static String hfName(String name) {
    return name.startsWith("transformer.") ? name.substring("transformer.".length()) : name;
  }

  private static boolean isConv1D(String name) {
    if (!name.endsWith(".weight")) {
      return false;
    }
    String stem = name.substring(0, name.length() - ".weight".length());
    for (String c : CONV1D) {
      if (stem.endsWith("." + c)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- submodules

  /** nanoGPT's {@code transformer} container: {@code wte, wpe, h, ln_f}. */
  static final class Transformer extends Module {
    final Embedding wte;
    final Embedding wpe;
    final ModuleList<Block> h;
    final Norm lnF;
    final DropoutFn drop;

    Transformer(GPT2Config c, Generator g) {
      wte = registerModule("wte", new Embedding(c.vocabSize(), c.nEmbd(), g));
      wpe = registerModule("wpe", new Embedding(c.blockSize(), c.nEmbd(), g));
      h = registerModule("h", new ModuleList<>());
      for (int i = 0; i < c.nLayer(); i++) {
        h.add(new Block(c, g));
      }
      lnF = registerModule("ln_f", new Norm(c));
      drop = new DropoutFn(c.dropout(), g);
    }
  }

  /** One pre-LayerNorm block: {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. */
  static final class Block extends Module {
    final Norm ln1;
    final Attention attn;
    final Norm ln2;
    final Mlp mlp;

    Block(GPT2Config c, Generator g) {
      ln1 = registerModule("ln_1", new Norm(c));
      attn = registerModule("attn", new Attention(c, g));
      ln2 = registerModule("ln_2", new Norm(c));
      mlp = registerModule("mlp", new Mlp(c, g));
    }

    Tensor forward(Tensor x) {
      x = x.add(attn.forward(ln1.forward(x)));
      return x.add(mlp.forward(ln2.forward(x)));
    }
  }

  /** Causal self-attention: fused {@code c_attn} to q|k|v, fused attention, {@code c_proj}. */
  static final class Attention extends Module {
    final Linear cAttn;
    final Linear cProj;
    final int nHead;
    final DropoutFn drop;

    Attention(GPT2Config c, Generator g) {
      cAttn = registerModule("c_attn", new Linear(c.nEmbd(), 3L * c.nEmbd(), c.bias(), g));
      cProj = registerModule("c_proj", new Linear(c.nEmbd(), c.nEmbd(), c.bias(), g));
      nHead = c.nHead();
      drop = new DropoutFn(c.dropout(), g);
    }

    Tensor forward(Tensor x) {
      Tensor y = F.selfAttention(cAttn.forward(x), nHead, true, null);
      return drop.apply(cProj.forward(y), isTraining());
    }
  }

  /** The MLP: {@code c_fc} to 4C, activation, {@code c_proj} back to C. */
  static final class Mlp extends Module {
    final Linear cFc;
    final Linear cProj;
    final GPT2Config.Activation activation;
    final DropoutFn drop;

    Mlp(GPT2Config c, Generator g) {
      cFc = registerModule("c_fc", new Linear(c.nEmbd(), 4L * c.nEmbd(), c.bias(), g));
      cProj = registerModule("c_proj", new Linear(4L * c.nEmbd(), c.nEmbd(), c.bias(), g));
      activation = c.activation();
      drop = new DropoutFn(c.dropout(), g);
    }

    Tensor forward(Tensor x) {
      Tensor h = cFc.forward(x);
      h = activation == GPT2Config.Activation.GELU_TANH ? h.geluTanh() : h.gelu();
      return drop.apply(cProj.forward(h), isTraining());
    }
  }

  /** LayerNorm with a weight and, when {@code config.bias}, a bias (nanoGPT's LayerNorm). */
  static final class Norm extends Module {
    final long[] shape;
    final double eps;
    final boolean bias;

    Norm(GPT2Config c) {
      shape = new long[] {c.nEmbd()};
      eps = c.layerNormEps();
      bias = c.bias();
      registerParameter("weight", Tensor.ones(Tensor.defaultDType(), shape));
      if (bias) {
        registerParameter("bias", Tensor.zeros(Tensor.defaultDType(), shape));
      }
    }

    Tensor forward(Tensor x) {
      return F.layerNorm(x, shape, getParameter("weight"), bias ? getParameter("bias") : null, eps);
    }
  }

  /** The language-model head: {@code x · weightᵀ} with no bias; {@code weight} may be tied. */
  static final class LmHead extends Module {
    LmHead(Tensor weight) {
      registerParameter("weight", weight);
    }

    Tensor forward(Tensor x) {
      return F.linear(x, getParameter("weight"), null);
    }
  }

  /** Dropout with a fixed probability and generator; the identity when p is 0 or not training. */
  static final class DropoutFn {
    final double p;
    final Generator g;

    DropoutFn(double p, Generator g) {
      this.p = p;
      this.g = g;
    }

    Tensor apply(Tensor x, boolean training) {
      return p > 0 && training ? F.dropout(x, p, g, true) : x;
    }
  }
}
