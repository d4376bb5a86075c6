package dev.residual.benchmarks;

import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Memory flatness of a training loop: {@code --steps} (default 10,000) forward/backward/SGD steps
 * of a small {@link Block} (d=32, 4 heads, MLP 128 on {@code x [4, 16, 32]} by default), sampling
 * the resident set size ({@code VmRSS}) from {@code --warm-step} (default 500) on. Prints the
 * growth of RSS from the warm-up sample to the end (target: under 10%), over the second half of the
 * run (which tells unbounded growth from a plateau reached late), the peak, and JavaCPP's count of
 * native bytes it holds, so that a leak (memory never freed) can be told from memory the garbage
 * collector has simply not reclaimed yet.
 *
 * <p>Options: {@code --threads N}, {@code --steps N}, {@code --warm-step N}, {@code --sample N}
 * (print every N steps), {@code --batch N}, {@code --seq N}, {@code --d N}, {@code --heads N},
 * {@code --hidden N}. The last line printed is one JSON object.
 */
public final class MemoryBench {
  private MemoryBench() {}

  /** Runs the benchmark; see the class comment for options. */
  @SuppressWarnings("try")
  public static void main(String[] args) throws Exception {
    BenchSupport.Options o = new BenchSupport.Options(args);
    int threads = BenchSupport.setBlasThreads(o.integer("threads", 0));
    int steps = o.integer("steps", 10_000);
    int warmStep = o.integer("warm-step", 500);
    int sample = o.integer("sample", 1000);
    int batch = o.integer("batch", 4);
    int seq = o.integer("seq", 16);
    int d = o.integer("d", 32);
    int heads = o.integer("heads", 4);
    int hidden = o.integer("hidden", 128);
    System.out.println("MemoryBench: " + BenchSupport.environment(threads));
    System.out.printf(
        Locale.ROOT,
        "block d=%d heads=%d mlp=%d on x [%d, %d, %d], %d steps, max heap %d MB,"
            + " JavaCPP maxBytes %d MB%n",
        d,
        heads,
        hidden,
        batch,
        seq,
        d,
        steps,
        Runtime.getRuntime().maxMemory() >> 20,
        Pointer.maxBytes() >> 20);

    Generator gen = new Generator(5);
    Block block = new Block(d, heads, hidden, gen);
    // --no-scope: leave freeing to the garbage collector, as code that opens no scope does.
    boolean useScope = !o.flag("no-scope");
    System.out.println(useScope ? "one MemoryScope per step" : "no MemoryScope (GC frees memory)");
    Tensor x = Tensor.randn(gen, batch, seq, d);
    Tensor target = Tensor.randn(gen, batch, seq, d);
    double lr = 1e-3;
    long warmRss = -1;
    long midRss = -1;
    int midStep = warmStep + (steps - warmStep) / 2;
    long peakRss = 0;
    double loss = Double.NaN;
    double firstLoss = Double.NaN;
    long t0 = System.nanoTime();
    for (int step = 1; step <= steps; step++) {
      // Each step in a MemoryScope: its activations and temporaries go back to the buffer pool
      // when it closes, and gradients are zeroed in place, so nothing waits for the GC.
      try (MemoryScope scope = useScope ? MemoryScope.open() : null) {
        Tensor diff = block.forward(x).sub(target);
        Tensor l = diff.mul(diff).mean();
        l.backward();
        try (Tensor.NoGrad ignored = Tensor.noGrad()) {
          for (Tensor p : block.parameters()) {
            p.subi(p.grad().mul(lr));
            p.grad().zero_();
          }
        }
        loss = l.item();
      }
      if (step == 1) {
        firstLoss = loss;
      }
      if (step >= warmStep) {
        long rss = BenchSupport.rssKb();
        peakRss = Math.max(peakRss, rss);
        if (step == warmStep) {
          warmRss = rss;
        }
        if (step == midStep) {
          midRss = rss;
        }
      }
      if (step % sample == 0 || step == warmStep || step == steps) {
        System.out.printf(
            Locale.ROOT,
            "step %6d  loss %.5f  RSS %7.1f MB  JavaCPP %7.1f MB  heap %6.1f MB"
                + "  %.2f ms/step%n",
            step,
            loss,
            BenchSupport.rssKb() / 1024.0,
            Pointer.totalBytes() / 1048576.0,
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0,
            (System.nanoTime() - t0) * 1e-6 / step);
      }
    }
    long endRss = BenchSupport.rssKb();
    double growth = 100.0 * (endRss - warmRss) / warmRss;
    double peakGrowth = 100.0 * (peakRss - warmRss) / warmRss;
    System.out.printf(
        Locale.ROOT,
        "RSS at step %d: %.1f MB, at step %d: %.1f MB, growth %.1f%% (peak %.1f MB,"
            + " %+.1f%%); loss %.4f -> %.4f%n",
        warmStep,
        warmRss / 1024.0,
        steps,
        endRss / 1024.0,
        growth,
        peakRss / 1024.0,
        peakGrowth,
        firstLoss,
        loss);
    double lateGrowth = 100.0 * (endRss - midRss) / midRss;
    System.out.printf(
        Locale.ROOT,
        "second half: RSS at step %d: %.1f MB -> %.1f MB at the end, growth %.1f%%%n",
        midStep,
        midRss / 1024.0,
        endRss / 1024.0,
        lateGrowth);
    System.out.printf(
        Locale.ROOT,
        "{\"bench\": \"memory\", \"steps\": %d, \"warm_rss_mb\": %.1f, \"end_rss_mb\": %.1f,"
            + " \"growth_pct\": %.2f, \"peak_growth_pct\": %.2f,"
            + " \"second_half_growth_pct\": %.2f}%n",
        steps,
        warmRss / 1024.0,
        endRss / 1024.0,
        growth,
        peakGrowth,
        lateGrowth);
  }
}
