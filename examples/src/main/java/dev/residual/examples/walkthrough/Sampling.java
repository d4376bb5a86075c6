package dev.residual.examples.walkthrough;

import dev.residual.transformer.generate.DecodeContext;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.generate.LogitsProcessing;
import dev.residual.transformer.tokenizer.CharTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Walkthrough, part 5: every way to pick the next token, run on the baby model. {@code
 * main(checkpointDir [meta.json])} prints the outputs the docs quote; with no arguments it runs the
 * same code on a tiny untrained model.
 */
public final class Sampling {
  private Sampling() {}

  /** How a character shows in printed tables: newline as {@code \n}, space as {@code ␣}. */
  static String show(String s) {
    return s.replace("\n", "\\n").replace(" ", "␣");
  }

  private static void print(String label, Generation.Result r) {
    System.out.printf(
        "--- %s (score %.2f, %s)%n%s%n", label, r.score(), r.finishReason(), r.text());
  }

  /** The {@code k} most probable tokens of {@code probs}, most probable first. */
  static int[] top(double[] probs, int k) {
    Integer[] order = new Integer[probs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
    int[] out = new int[Math.min(k, order.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /** Prints every sampling example. */
  public static void main(String[] args) throws IOException {
    BabyModel baby = BabyModel.fromArgs(args);
    CharTokenizer tok = baby.tokenizer();

    // region distribution
    DecodeContext ctx =
        new DecodeContext(
            new Generation(baby.model()).decoder(),
            List.of(tok.encode("ROMEO:\nWhat say you, my l")));
    float[] logits = ctx.logits(0); // the model's scores for the next character
    GenerationConfig plain = GenerationConfig.builder().temperature(1.0).build();
    double[] p = LogitsProcessing.distribution(logits, plain);
    double[] p5 = LogitsProcessing.distribution(logits, plain.toBuilder().topK(5).build());
    double[] p90 = LogitsProcessing.distribution(logits, plain.toBuilder().topP(0.9).build());
    double[] cold =
        LogitsProcessing.distribution(logits, plain.toBuilder().temperature(0.5).build());
    System.out.println("next  p      T=0.5  top-k 5  top-p 0.9");
    for (int t : top(p, 8)) {
      System.out.printf(
          "%-5s %.3f  %.3f  %.3f    %.3f%n",
          show(tok.decode(new int[] {t})), p[t], cold[t], p5[t], p90[t]);
    }
    // endregion

    Generation gen = new Generation(baby.model(), tok);
    int[] prompt = tok.encode("ROMEO:\n");

    // region greedy
    Generation.Result greedy = gen.generate(prompt, GenerationConfig.greedy(150));
    print("greedy", greedy);
    // endregion

    // region temperature
    for (double t : new double[] {0.5, 1.0, 1.5}) {
      GenerationConfig c =
          GenerationConfig.builder().maxNewTokens(150).temperature(t).seed(1337).build();
      print("temperature " + t + ", seed 1337", gen.generate(prompt, c));
    }
    // endregion

    // region truncation
    GenerationConfig sampled =
        GenerationConfig.builder().maxNewTokens(150).temperature(1.0).seed(1337).build();
    print("top-k 5", gen.generate(prompt, sampled.toBuilder().topK(5).build()));
    print("top-p 0.9", gen.generate(prompt, sampled.toBuilder().topP(0.9).build()));
    print("min-p 0.1", gen.generate(prompt, sampled.toBuilder().minP(0.1).build()));
    // endregion

    // region penalties
    GenerationConfig g150 = GenerationConfig.greedy(150);
    print(
        "greedy, repetition penalty 1.3",
        gen.generate(prompt, g150.toBuilder().repetitionPenalty(1.3).build()));
    print(
        "greedy, frequency penalty 0.3",
        gen.generate(prompt, g150.toBuilder().frequencyPenalty(0.3).build()));
    print(
        "greedy, presence penalty 1.0",
        gen.generate(prompt, g150.toBuilder().presencePenalty(1.0).build()));
    print(
        "greedy, no repeated 5-gram",
        gen.generate(prompt, g150.toBuilder().noRepeatNgramSize(5).build()));
    // endregion

    // region beam
    int newline = tok.encode("\n")[0];
    int[] line = tok.encode("JULIET:\nO Romeo, ");
    for (double lengthPenalty : new double[] {0.0, 1.0, 2.0}) {
      GenerationConfig beam =
          GenerationConfig.builder()
              .temperature(0) // beam search is deterministic
              .numBeams(4)
              .numReturnSequences(2)
              .lengthPenalty(lengthPenalty)
              .stopTokens(newline) // a hypothesis is finished at the end of the line
              .maxNewTokens(60)
              .build();
      for (Generation.Result r : gen.generate(List.of(line), beam, null)) {
        print("4 beams, length penalty " + lengthPenalty, r);
      }
    }
    // endregion

    // region early-stopping
    for (GenerationConfig.EarlyStopping early : GenerationConfig.EarlyStopping.values()) {
      GenerationConfig beam =
          GenerationConfig.builder()
              .temperature(0)
              .numBeams(4)
              .stopTokens(newline)
              .earlyStopping(early)
              .maxNewTokens(60)
              .build();
      print("4 beams, earlyStopping " + early, gen.generate(line, beam));
    }
    // endregion

    // region batch
    List<int[]> prompts =
        List.of(tok.encode("ROMEO:\n"), tok.encode("First Citizen:\nYou are "), tok.encode("O"));
    GenerationConfig c = GenerationConfig.builder().maxNewTokens(40).temperature(0.8).build();
    List<Generation.Result> together = gen.generate(prompts, c, null); // one left-padded batch
    for (int i = 0; i < prompts.size(); i++) {
      Generation.Result alone = gen.generate(prompts.get(i), c);
      System.out.printf(
          "prompt %d: same tokens alone and batched: %b%n",
          i, Arrays.equals(alone.tokens(), together.get(i).tokens()));
    }
    // endregion

    // region stream
    StringBuilder streamed = new StringBuilder();
    List<Generation.Result> out =
        gen.generate(
            List.of(prompt),
            GenerationConfig.greedy(30),
            (sequence, token) -> streamed.append(tok.decode(new int[] {token}))); // per token
    System.out.println("streamed: " + show(streamed.toString()));
    System.out.println("same as the result: " + streamed.toString().equals(out.get(0).text()));
    // endregion

  }
}
