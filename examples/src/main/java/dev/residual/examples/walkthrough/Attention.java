package dev.residual.examples.walkthrough;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.io.IOException;

/**
 * Walkthrough, part 3: attention. Why scores are divided by √d, what the causal mask does, and the
 * hand-written forward pass ({@link ManualGpt}) checked against the library's.
 *
 * <p>{@code main(checkpointDir [meta.json])} uses the trained model; with no arguments a tiny
 * untrained one.
 */
public final class Attention {
  private Attention() {}

  /** Prints the numbers quoted in the walkthrough's attention section. */
  public static void main(String[] args) throws IOException {
    // region scaling
    Generator g = new Generator(0);
    for (int d : new int[] {4, 32, 256}) {
      // 10,000 query and key vectors whose components have mean 0 and variance 1
      Tensor q = Tensor.randn(g, 10_000, d);
      Tensor k = Tensor.randn(g, 10_000, d);
      Tensor dots = q.mul(k).sum(1); // 10,000 dot products q·k
      System.out.printf(
          "d = %3d: var(q·k) = %6.1f, var(q·k / sqrt(d)) = %.2f%n",
          d, dots.var(false).item(), dots.div(Math.sqrt(d)).var(false).item());
    }
    // endregion

    // region softmax-saturation
    Tensor row = Tensor.randn(new Generator(1), 8).mul(Math.sqrt(256)); // unscaled, d = 256
    System.out.printf("largest weight, unscaled: %.3f%n", F.softmax(row, 0).max().item());
    System.out.printf("largest weight, scaled:   %.3f%n", F.softmax(row.div(16), 0).max().item());
    // endregion

    // region causal
    Tensor scores = Tensor.zeros(4, 4); // equal scores: every allowed key is equally good
    Tensor future = Tensor.ones(4, 4).triu(1).eq(1.0);
    System.out.println(F.softmax(scores.maskedFill(future, Double.NEGATIVE_INFINITY), -1));
    // endregion

    BabyModel baby = BabyModel.fromArgs(args);
    // region check
    String line = "To be, or not to be, that is the question:";
    int[] tokens = baby.tokenizer().encode(line);
    ManualGpt manual = new ManualGpt(baby.model());
    Tensor mine = manual.forward(tokens); // [T, vocab]
    Tensor library = baby.model().forward(Tensor.of(tokens, 1, tokens.length)).select(0, 0);
    System.out.printf("max |manual - library| = %.2e%n", mine.sub(library).abs().max().item());
    // endregion

    // region heads
    for (int layer = 0; layer < manual.patterns.size(); layer++) {
      Tensor pattern = manual.patterns.get(layer); // [H, T, T]
      for (int h = 0; h < pattern.size(0); h++) {
        double self = 0;
        double previous = 0;
        double first = 0;
        for (int i = 1; i < tokens.length; i++) {
          self += pattern.get(h, i, i);
          previous += pattern.get(h, i, i - 1);
          first += pattern.get(h, i, 0);
        }
        int n = tokens.length - 1;
        System.out.printf(
            "layer %d head %d: on itself %.2f, on the previous character %.2f, on the first %.2f%n",
            layer, h, self / n, previous / n, first / n);
      }
    }
    // endregion
  }
}
