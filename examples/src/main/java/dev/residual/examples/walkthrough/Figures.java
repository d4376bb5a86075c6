package dev.residual.examples.walkthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.plot.BarChart;
import dev.residual.plot.ColorScale;
import dev.residual.plot.Heatmap;
import dev.residual.plot.LineChart;
import dev.residual.tensor.Tensor;
import dev.residual.transformer.generate.DecodeContext;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.generate.LogitsProcessing;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Regenerates the walkthrough's pictures with the library's own plotting ({@code
 * dev.residual.plot}).
 *
 * <pre>
 * Figures OUT_DIR [CHECKPOINT_DIR METRICS_JSONL [META_JSON]]
 * </pre>
 *
 * <p>With a checkpoint ({@code residual gpt train --out-dir}) and its run's {@code metrics.jsonl}
 * ({@code --runs-dir}), it draws the trained model's pictures into {@code OUT_DIR} (the docs use
 * {@code docs/images}); with only {@code OUT_DIR}, the same pictures of a tiny untrained model and
 * a made-up loss curve (what the tests run).
 */
public final class Figures {
  /** The line of Shakespeare whose attention patterns are drawn. */
  public static final String LINE = "To be, or not to be, that is the question:";

  /** The prompt whose next-character distribution is drawn. */
  public static final String PROMPT = "ROMEO:\nWhat say you, my l";

  private Figures() {}

  /** Draws every figure; prints what it wrote. */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "usage: Figures OUT_DIR [CHECKPOINT_DIR METRICS_JSONL [META_JSON]]");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    BabyModel baby =
        args.length >= 3
            ? BabyModel.load(Path.of(args[1]), args.length > 3 ? Path.of(args[3]) : null)
            : BabyModel.tiny(1337);
    lossCurve(args.length >= 3 ? Path.of(args[2]) : null, out.resolve("loss.png"));
    attention(baby, out);
    distributions(baby, out);
    positions(baby, out.resolve("positions.png"));
  }

  private static void lossCurve(Path metrics, Path png) throws IOException {
    List<double[]> train = new ArrayList<>();
    List<double[]> val = new ArrayList<>();
    if (metrics != null) {
      ObjectMapper json = new ObjectMapper();
      for (String line : Files.readAllLines(metrics)) {
        JsonNode n = json.readTree(line);
        double step = n.get("_step").asDouble();
        if (n.has("train/loss")) {
          train.add(new double[] {step, n.get("train/loss").asDouble()});
        }
        if (n.has("val/loss")) {
          val.add(new double[] {step, n.get("val/loss").asDouble()});
        }
      }
    } else {
      for (int s = 0; s <= 100; s += 10) {
        train.add(new double[] {s, 4.2 * Math.exp(-s / 50.0) + 1});
        val.add(new double[] {s, 4.2 * Math.exp(-s / 50.0) + 1.1});
      }
    }
    // region loss-chart
    new LineChart()
        .title("baby GPT on tinyshakespeare (characters)")
        .xLabel("iteration")
        .yLabel("cross-entropy loss (nats)")
        .series("train (one batch)", column(train, 0), column(train, 1))
        .series("val (20 batches)", column(val, 0), column(val, 1))
        .savePng(png, 800, 450);
    // endregion
    System.out.println("wrote " + png);
  }

  private static double[] column(List<double[]> rows, int c) {
    return rows.stream().mapToDouble(r -> r[c]).toArray();
  }

  private static List<String> labels(CharTokenizer tok, int[] tokens) {
    List<String> out = new ArrayList<>();
    for (int t : tokens) {
      out.add(Sampling.show(tok.decode(new int[] {t})));
    }
    return out;
  }

  private static void attention(BabyModel baby, Path out) {
    int[] tokens = baby.tokenizer().encode(LINE);
    ManualGpt manual = new ManualGpt(baby.model());
    manual.forward(tokens);
    // The head that most attends to the previous character, and the one that looks farthest back.
    int[] prev = {0, 0};
    int[] far = {0, 0};
    double bestPrev = -1;
    double bestFar = -1;
    for (int l = 0; l < manual.patterns.size(); l++) {
      Tensor pat = manual.patterns.get(l);
      for (int h = 0; h < pat.size(0); h++) {
        double p = 0;
        double dist = 0;
        for (int i = 1; i < tokens.length; i++) {
          p += pat.get(h, i, i - 1);
          for (int j = 0; j <= i; j++) {
            dist += pat.get(h, i, j) * (i - j);
          }
        }
        if (p > bestPrev) {
          bestPrev = p;
          prev = new int[] {l, h};
        }
        if (dist > bestFar) {
          bestFar = dist;
          far = new int[] {l, h};
        }
      }
    }
    int n = tokens.length - 1;
    System.out.printf(
        Locale.ROOT,
        "previous-character head: layer %d head %d (%.2f on average)%n",
        prev[0],
        prev[1],
        bestPrev / n);
    System.out.printf(
        Locale.ROOT,
        "farthest-looking head: layer %d head %d (%.1f characters back on" + " average)%n",
        far[0],
        far[1],
        bestFar / n);
    drawPattern(baby, manual, tokens, prev, out.resolve("attention-previous.png"));
    drawPattern(baby, manual, tokens, far, out.resolve("attention-far.png"));
  }

  private static void drawPattern(
      BabyModel baby, ManualGpt manual, int[] tokens, int[] head, Path png) {
    int layer = head[0];
    int h = head[1];
    // region attention-heatmap
    Tensor pattern = manual.patterns.get(layer).select(0, h); // [T, T], rows sum to 1
    List<String> chars = labels(baby.tokenizer(), tokens);
    Heatmap.of(pattern)
        .title("layer " + layer + ", head " + h + ": where each character looks")
        .yLabel("query (current character)")
        .xLabel("key (earlier character)")
        .rowLabels(chars)
        .colLabels(chars)
        .range(0, 1)
        .savePng(png, 720, 680);
    // endregion
    System.out.println("wrote " + png);
  }

  private static void distributions(BabyModel baby, Path out) {
    CharTokenizer tok = baby.tokenizer();
    DecodeContext ctx =
        new DecodeContext(new Generation(baby.model()).decoder(), List.of(tok.encode(PROMPT)));
    float[] logits = ctx.logits(0);
    GenerationConfig plain = GenerationConfig.builder().temperature(1.0).build();
    double[] p = LogitsProcessing.distribution(logits, plain);
    int[] top = Sampling.top(p, 12);
    List<String> cats = labels(tok, top);
    // region bars
    double[] k5 = LogitsProcessing.distribution(logits, plain.toBuilder().topK(5).build());
    double[] p90 = LogitsProcessing.distribution(logits, plain.toBuilder().topP(0.9).build());
    new BarChart(cats)
        .title("next character after \"my l\": top-k 5")
        .yLabel("probability")
        .series("model", pick(p, top))
        .series("top-k 5 (renormalised)", pick(k5, top))
        .savePng(out.resolve("top-k.png"), 800, 400);
    new BarChart(cats)
        .title("next character after \"my l\": top-p 0.9")
        .yLabel("probability")
        .series("model", pick(p, top))
        .series("top-p 0.9 (renormalised)", pick(p90, top))
        .savePng(out.resolve("top-p.png"), 800, 400);
    // endregion
    System.out.println("wrote " + out.resolve("top-k.png") + ", " + out.resolve("top-p.png"));
  }

  private static double[] pick(double[] probs, int[] idx) {
    double[] out = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = probs[idx[i]];
    }
    return out;
  }

  private static void positions(BabyModel baby, Path png) {
    // region positions
    Tensor wpe = baby.model().stateDict().get("transformer.wpe.weight"); // [blockSize, C]
    Tensor unit = wpe.div(wpe.norm(2, new int[] {1}, true)); // each row scaled to length 1
    Tensor cosine = unit.matmul(unit.t()); // [blockSize, blockSize]
    List<String> positions = new ArrayList<>();
    for (int i = 0; i < cosine.size(0); i++) {
      positions.add(String.valueOf(i));
    }
    Heatmap.of(cosine)
        .title("cosine similarity of position embeddings")
        .rowLabels(positions)
        .colLabels(positions)
        .xLabel("position")
        .yLabel("position")
        .scale(ColorScale.DIVERGING)
        .savePng(png, 640, 600);
    // endregion
    System.out.println("wrote " + png);
  }
}
