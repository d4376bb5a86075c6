package dev.residual.benchmarks;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import dev.residual.tensor.internal.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Forward+backward time of one pre-LayerNorm transformer block ({@link Block}: d=128, 4 heads, MLP
 * 512, tanh GELU, causal attention, biases) on {@code x [12, 64, 128]} FLOAT32 that requires grad,
 * loss {@code y.sum()}. The peer is {@code peer/torch_block.py}; {@code run-block-vs-torch.sh}
 * alternates the two.
 *
 * <p>With {@code --profile} it also times every op of the block on its own (forward, then backward
 * from a random output gradient) on the block's real intermediate values, to show where the time
 * goes.
 *
 * <p>Options: {@code --threads N}, {@code --warmup N}, {@code --iters N}, {@code --batch N}, {@code
 * --seq N}, {@code --d N}, {@code --heads N}, {@code --hidden N}, {@code --profile}, {@code
 * --profile-iters N}. The last line printed is one JSON object.
 */
public final class BlockBench {
  private BlockBench() {}

  /** Runs the benchmark; see the class comment for options. */
  public static void main(String[] args) throws Exception {
    BenchSupport.Options o = new BenchSupport.Options(args);
    int threads = BenchSupport.setBlasThreads(o.integer("threads", 0));
    int warmup = o.integer("warmup", 15);
    int iters = o.integer("iters", 50);
    int batch = o.integer("batch", 12);
    int seq = o.integer("seq", 64);
    int d = o.integer("d", 128);
    int heads = o.integer("heads", 4);
    int hidden = o.integer("hidden", 512);
    System.out.println("BlockBench: " + BenchSupport.environment(threads));
    System.out.printf(
        Locale.ROOT,
        "block d=%d heads=%d mlp=%d on x [%d, %d, %d], %d warm-up + %d timed%n",
        d,
        heads,
        hidden,
        batch,
        seq,
        d,
        warmup,
        iters);

    Generator gen = new Generator(1234);
    Block block = new Block(d, heads, hidden, gen);
    block.fusedAttention = !"composed".equals(o.text("attention", "fused"));
    Tensor x = Tensor.randn(gen, batch, seq, d).requiresGrad(true);
    List<Tensor> params = new ArrayList<>(block.parameters());
    params.add(x);

    double[] total = new double[iters];
    double[] fwd = new double[iters];
    double[] cpu = new double[iters];
    double loss = 0;
    long faults0 = 0;
    long[] gc0 = null;
    long native0 = 0;
    for (int i = 0; i < warmup + iters; i++) {
      if (i == warmup) {
        faults0 = BenchSupport.minorFaults();
        gc0 = BenchSupport.gcCountAndMillis();
        native0 = org.bytedeco.javacpp.Pointer.totalBytes();
      }
      long c0 = BenchSupport.threadCpuNanos();
      for (Tensor p : params) {
        if (p.grad() != null) {
          p.grad().zero_();
        }
      }
      long t0;
      long t1;
      long t2;
      long c1;
      // One MemoryScope per step, as a training loop would: activations return to the pool.
      try (MemoryScope scope = MemoryScope.open()) {
        t0 = System.nanoTime();
        Tensor l = block.forward(x).sum();
        t1 = System.nanoTime();
        l.backward();
        t2 = System.nanoTime();
        c1 = BenchSupport.threadCpuNanos();
        loss = l.item();
      }
      if (i >= warmup) {
        fwd[i - warmup] = (t1 - t0) * 1e-6;
        total[i - warmup] = (t2 - t0) * 1e-6;
        cpu[i - warmup] = (c1 - c0) * 1e-6;
      }
    }
    long faults = BenchSupport.minorFaults() - faults0;
    long[] gc1 = BenchSupport.gcCountAndMillis();
    double[] bwd = new double[iters];
    double mean = 0;
    for (int i = 0; i < iters; i++) {
      bwd[i] = total[i] - fwd[i];
      mean += total[i] / iters;
    }
    double med = BenchSupport.median(total);
    System.out.printf(
        Locale.ROOT,
        "fwd+bwd median %.2f ms (mean %.2f, min %.2f, p90 %.2f); fwd %.2f ms, bwd %.2f ms;"
            + " loss %.6f, |grad x| %.4f%n",
        med,
        mean,
        BenchSupport.quantile(total, 0),
        BenchSupport.quantile(total, 0.9),
        BenchSupport.median(fwd),
        BenchSupport.median(bwd),
        loss,
        Math.sqrt(x.grad().mul(x.grad()).sum().item()));
    System.out.printf(
        Locale.ROOT,
        "per timed iteration: main-thread CPU median %.2f ms, %.0f minor page faults, JavaCPP"
            + " native bytes %+.1f MB; over the run %d GCs taking %d ms in all%n",
        BenchSupport.median(cpu),
        faults / (double) iters,
        (org.bytedeco.javacpp.Pointer.totalBytes() - native0) / 1048576.0 / iters,
        gc1[0] - gc0[0],
        gc1[1] - gc0[1]);

    if (o.flag("profile")) {
      profile(block, x, o.integer("profile-iters", 40));
    }
    System.out.printf(
        Locale.ROOT,
        "{\"impl\": \"residual\", \"threads\": %d, \"median_ms\": %.3f, \"mean_ms\": %.3f,"
            + " \"fwd_ms\": %.3f, \"bwd_ms\": %.3f, \"cpu_ms\": %.3f, \"iters\": %d}%n",
        threads,
        med,
        mean,
        BenchSupport.median(fwd),
        BenchSupport.median(bwd),
        BenchSupport.median(cpu),
        iters);
  }

  /** One op of the block, applied to fixed inputs. */
  private record Stage(String name, Tensor[] inputs, Function<Tensor[], Tensor[]> fn) {}

  private static Tensor leaf(Tensor t) {
    return t.detach().requiresGrad(true);
  }

  @SuppressWarnings("try")
  private static void profile(Block b, Tensor x, int iters) {
    long[] norm = {b.d};
    Tensor h1;
    Tensor qkv;
    Tensor q;
    Tensor k;
    Tensor v;
    Tensor att;
    Tensor merged;
    Tensor proj;
    Tensor y;
    Tensor h2;
    Tensor fc;
    Tensor act;
    Tensor out;
    Tensor y2;
    try (Tensor.NoGrad ignored = Tensor.noGrad()) {
      h1 = F.layerNorm(x, norm, b.ln1w, b.ln1b, 1e-5);
      qkv = F.linear(h1, b.wqkv, b.bqkv);
      List<Tensor> parts = qkv.split(b.d, -1);
      q = b.toHeads(parts.get(0));
      k = b.toHeads(parts.get(1));
      v = b.toHeads(parts.get(2));
      att = F.scaledDotProductAttention(q, k, v, true, null);
      merged = b.fromHeads(att);
      proj = F.linear(merged, b.wproj, b.bproj);
      y = x.add(proj);
      h2 = F.layerNorm(y, norm, b.ln2w, b.ln2b, 1e-5);
      fc = F.linear(h2, b.wfc, b.bfc);
      act = fc.geluTanh();
      out = F.linear(act, b.wout, b.bout);
      y2 = y.add(out);
    }
    String lin = "linear %d->%d (+bias)";
    List<Stage> stages =
        List.of(
            new Stage(
                "layerNorm 1",
                new Tensor[] {leaf(x), b.ln1w, b.ln1b},
                t -> new Tensor[] {F.layerNorm(t[0], norm, t[1], t[2], 1e-5)}),
            new Stage(
                String.format(lin, b.d, 3 * b.d),
                new Tensor[] {leaf(h1), b.wqkv, b.bqkv},
                t -> new Tensor[] {F.linear(t[0], t[1], t[2])}),
            new Stage(
                "split + reshape + transpose -> q,k,v",
                new Tensor[] {leaf(qkv)},
                t -> {
                  List<Tensor> p = t[0].split(b.d, -1);
                  return new Tensor[] {
                    b.toHeads(p.get(0)), b.toHeads(p.get(1)), b.toHeads(p.get(2))
                  };
                }),
            new Stage(
                "scaledDotProductAttention causal",
                new Tensor[] {leaf(q), leaf(k), leaf(v)},
                t -> new Tensor[] {F.scaledDotProductAttention(t[0], t[1], t[2], true, null)}),
            new Stage(
                "transpose + reshape <- heads",
                new Tensor[] {leaf(att)},
                t -> new Tensor[] {b.fromHeads(t[0])}),
            new Stage(
                String.format(lin, b.d, b.d),
                new Tensor[] {leaf(merged), b.wproj, b.bproj},
                t -> new Tensor[] {F.linear(t[0], t[1], t[2])}),
            new Stage(
                "residual add 1",
                new Tensor[] {leaf(x), leaf(proj)},
                t -> new Tensor[] {t[0].add(t[1])}),
            new Stage(
                "layerNorm 2",
                new Tensor[] {leaf(y), b.ln2w, b.ln2b},
                t -> new Tensor[] {F.layerNorm(t[0], norm, t[1], t[2], 1e-5)}),
            new Stage(
                String.format(lin, b.d, b.hidden),
                new Tensor[] {leaf(h2), b.wfc, b.bfc},
                t -> new Tensor[] {F.linear(t[0], t[1], t[2])}),
            new Stage("geluTanh", new Tensor[] {leaf(fc)}, t -> new Tensor[] {t[0].geluTanh()}),
            new Stage(
                String.format(lin, b.hidden, b.d),
                new Tensor[] {leaf(act), b.wout, b.bout},
                t -> new Tensor[] {F.linear(t[0], t[1], t[2])}),
            new Stage(
                "residual add 2",
                new Tensor[] {leaf(y), leaf(out)},
                t -> new Tensor[] {t[0].add(t[1])}),
            new Stage("sum", new Tensor[] {leaf(y2)}, t -> new Tensor[] {t[0].sum()}));

    Generator g = new Generator(99);
    int n = stages.size();
    double[] fMed = new double[n];
    double[] bMed = new double[n];
    double[] fCpu = new double[n];
    double[] bCpu = new double[n];
    double[] faults = new double[n];
    for (int s = 0; s < n; s++) {
      Stage st = stages.get(s);
      Tensor[] probe = st.fn.apply(st.inputs);
      Tensor[] gOut = new Tensor[probe.length];
      for (int j = 0; j < probe.length; j++) {
        gOut[j] = Tensor.randn(g, probe[j].shape());
      }
      int warm = Math.max(5, iters / 4);
      long faults0 = 0;
      double[] f = new double[iters];
      double[] bw = new double[iters];
      double[] fcpu = new double[iters];
      double[] bcpu = new double[iters];
      for (int i = 0; i < warm + iters; i++) {
        if (i == warm) {
          faults0 = BenchSupport.minorFaults();
        }
        for (Tensor in : st.inputs) {
          in.zeroGrad();
        }
        long c0 = BenchSupport.threadCpuNanos();
        long t0 = System.nanoTime();
        Tensor[] outs = st.fn.apply(st.inputs);
        long t1 = System.nanoTime();
        long c1 = BenchSupport.threadCpuNanos();
        Engine.backward(outs, gOut, false, null);
        long t2 = System.nanoTime();
        long c2 = BenchSupport.threadCpuNanos();
        if (i >= warm) {
          f[i - warm] = (t1 - t0) * 1e-6;
          bw[i - warm] = (t2 - t1) * 1e-6;
          fcpu[i - warm] = (c1 - c0) * 1e-6;
          bcpu[i - warm] = (c2 - c1) * 1e-6;
        }
      }
      fMed[s] = BenchSupport.median(f);
      bMed[s] = BenchSupport.median(bw);
      faults[s] = (BenchSupport.minorFaults() - faults0) / (double) iters;
      fCpu[s] = BenchSupport.median(fcpu);
      bCpu[s] = BenchSupport.median(bcpu);
    }
    double sum = 0;
    double sumCpu = 0;
    for (int s = 0; s < n; s++) {
      sum += fMed[s] + bMed[s];
      sumCpu += fCpu[s] + bCpu[s];
    }
    System.out.printf(
        Locale.ROOT,
        "%nper-op profile (each op alone on the block's values; median of %d; wall time, then"
            + " main-thread CPU time, which machine load does not inflate; minor page faults per"
            + " fwd+bwd)%n",
        iters);
    System.out.printf(
        Locale.ROOT,
        "%-40s %8s %8s %8s | %8s %8s %8s %6s %7s%n",
        "op",
        "fwd ms",
        "bwd ms",
        "sum",
        "fwd cpu",
        "bwd cpu",
        "sum cpu",
        "share",
        "faults");
    for (int s = 0; s < n; s++) {
      System.out.printf(
          Locale.ROOT,
          "%-40s %8.3f %8.3f %8.3f | %8.3f %8.3f %8.3f %5.1f%% %7.0f%n",
          stages.get(s).name,
          fMed[s],
          bMed[s],
          fMed[s] + bMed[s],
          fCpu[s],
          bCpu[s],
          fCpu[s] + bCpu[s],
          100 * (fCpu[s] + bCpu[s]) / sumCpu,
          faults[s]);
    }
    System.out.printf(
        Locale.ROOT,
        "%-40s %8s %8s %8.3f | %8s %8s %8.3f%n",
        "sum of ops",
        "",
        "",
        sum,
        "",
        "",
        sumCpu);
  }
}
