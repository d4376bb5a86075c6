package dev.residual.benchmarks;

import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.Threads;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.generate.DecodeContext;
import dev.residual.transformer.generate.Decoder;
import dev.residual.transformer.generate.LogitsProcessing;
import java.util.List;
import java.util.Locale;

/**
 * Greedy decoding speed of a GPT-2 with the KV cache, side by side with {@code
 * ../shared/bench/torch_gpt.py decode} (same shapes, random weights, one sequence starting from
 * token 0), plus the machine's memory bandwidth, since decoding reads every weight once per token.
 *
 * <p>Options: {@code --model gpt2|baby} (default gpt2), {@code --tokens N[,N...]} (default 64),
 * {@code --threads N} (default 1), {@code --uncached} (also time generation that re-runs the full
 * forward every step, for the cache's speed-up), {@code --repeats N} (default 3; the best run is
 * reported). The last line printed is one JSON object.
 */
public final class DecodeBench {
  private DecodeBench() {}

  /** Runs the benchmark; see the class comment for options. */
  public static void main(String[] args) {
    BenchSupport.Options o = new BenchSupport.Options(args);
    String which = o.text("model", "gpt2");
    String[] tokenCounts = o.text("tokens", "64").split(",");
    int threads = o.integer("threads", 1);
    int repeats = o.integer("repeats", 3);
    Threads.set(threads);
    GPT2Config cfg =
        switch (which) {
          case "gpt2" -> GPT2Config.gpt2();
          case "baby" -> GPT2Config.babyShakespeare();
          default -> throw new IllegalArgumentException("--model gpt2|baby, got " + which);
        };
    long t0 = System.nanoTime();
    GPT2 model = new GPT2(cfg, new Generator(0));
    model.eval();
    System.out.printf(Locale.ROOT, "built %s in %.1f s%n", which, (System.nanoTime() - t0) / 1e9);
    Decoder dec = new Decoder(model);
    long weightBytes = 4L * GPT2.countParameters(cfg);
    double bandwidth = bandwidthGBs(threads);
    cached(dec, 32); // warm up the JIT on every path before any measurement
    cached(dec, 32);
    for (String tc : tokenCounts) {
      int tokens = Integer.parseInt(tc.trim());
      double best = 0;
      for (int rep = 0; rep < repeats + 1; rep++) {
        double tps = cached(dec, tokens);
        if (rep > 0) { // the first run warms up the JIT
          best = Math.max(best, tps);
        }
        System.out.printf(Locale.ROOT, "cached run %d: %.2f tokens/s%n", rep, tps);
      }
      double uncached = Double.NaN;
      if (o.flag("uncached")) {
        uncached = uncached(model, tokens);
        System.out.printf(Locale.ROOT, "uncached: %.2f tokens/s%n", uncached);
      }
      double gbPerToken = weightBytes / 1e9;
      System.out.printf(
          Locale.ROOT,
          "{\"bench\": \"decode\", \"model\": \"%s\", \"params\": %d, \"threads\": %d,"
              + " \"tokens\": %d, \"tokens_per_s\": %.3f, \"uncached_tokens_per_s\": %.3f,"
              + " \"weight_gb_per_token\": %.3f, \"effective_gb_s\": %.2f, \"stream_gb_s\": %.2f,"
              + " \"fraction_of_bandwidth\": %.3f}%n",
          which,
          GPT2.countParameters(cfg),
          threads,
          tokens,
          best,
          uncached,
          gbPerToken,
          best * gbPerToken,
          bandwidth,
          best * gbPerToken / bandwidth);
    }
  }

  /** Tokens per second of greedy decoding from token 0 (the prompt's encoding excluded). */
  static double cached(Decoder dec, int tokens) {
    DecodeContext ctx = new DecodeContext(dec, List.of(new int[] {0}));
    long t0 = System.nanoTime();
    for (int i = 0; i < tokens; i++) {
      int next = LogitsProcessing.argmax(ctx.logits(0));
      ctx.append(new int[] {next});
    }
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }

  /** The same without a cache: a full forward over the whole context for every token. */
  static double uncached(GPT2 model, int tokens) {
    int block = model.config().blockSize();
    long[] seq = new long[tokens + 1];
    long t0 = System.nanoTime();
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      for (int len = 1; len <= tokens; len++) {
        int start = Math.max(0, len - block);
        long[] ctx = java.util.Arrays.copyOfRange(seq, start, len);
        Tensor logits = model.forward(Tensor.of(ctx, 1, ctx.length));
        float[] last = logits.select(1, ctx.length - 1).select(0, 0).toFloatArray();
        seq[len] = LogitsProcessing.argmax(last);
      }
    }
    return tokens / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * Read bandwidth in GB/s: summing a 1 GiB float array (larger than any cache) with {@code
   * threads} threads, best of five passes.
   */
  static double bandwidthGBs(int threads) {
    int n = 1 << 28;
    float[] a = new float[n];
    for (int i = 0; i < n; i += 1024) {
      a[i] = i;
    }
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      double[] parts = new double[threads];
      Thread[] ts = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts[t] =
            new Thread(
                () -> parts[id] = sum(a, (long) n * id / threads, (long) n * (id + 1) / threads));
        ts[t].start();
      }
      for (Thread t : ts) {
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      double s = 0;
      for (double p : parts) {
        s += p;
      }
      BenchSupport.sink = s;
      best = Math.max(best, 4.0 * n / ((System.nanoTime() - t0) / 1e9) / 1e9);
    }
    return best;
  }

  private static double sum(float[] a, long lo, long hi) {
    jdk.incubator.vector.VectorSpecies<Float> s =
        jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    int len = s.length();
    // Four independent accumulators, as the decoder's kernel has: one chain of dependent adds
    // would measure the add latency, not the memory.
    jdk.incubator.vector.FloatVector a0 = jdk.incubator.vector.FloatVector.zero(s);
    jdk.incubator.vector.FloatVector a1 = a0;
    jdk.incubator.vector.FloatVector a2 = a0;
    jdk.incubator.vector.FloatVector a3 = a0;
    int i = (int) lo;
    int end = (int) hi;
    for (; i + 4 * len <= end; i += 4 * len) {
      a0 = a0.add(jdk.incubator.vector.FloatVector.fromArray(s, a, i));
      a1 = a1.add(jdk.incubator.vector.FloatVector.fromArray(s, a, i + len));
      a2 = a2.add(jdk.incubator.vector.FloatVector.fromArray(s, a, i + 2 * len));
      a3 = a3.add(jdk.incubator.vector.FloatVector.fromArray(s, a, i + 3 * len));
    }
    double r = a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    for (; i < end; i++) {
      r += a[i];
    }
    return r;
  }
}
