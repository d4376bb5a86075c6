package dev.residual.benchmarks;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

import dev.residual.tensor.DType;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FLOAT32 GEMM throughput of {@code Tensor.matmul} against {@code cblas_sgemm} called directly on
 * the same memory, with ND4J's {@code INDArray.mmul} for reference.
 *
 * <p>Each shape is measured in {@code --reps} rounds; a round times one batch of back-to-back calls
 * (about {@code --batch-ms} long) of each implementation, in alternating order from round to round
 * so that drift in machine load falls on all of them alike. The figure reported is the median
 * GFLOP/s over rounds. {@code Tensor.matmul} allocates its output on every call (as PyTorch does);
 * the direct calls write into one preallocated buffer, so the ratio includes our allocation cost.
 * Ours is timed twice: inside a {@code MemoryScope} per call, as a training step runs it (the
 * output comes from the buffer pool), and outside any scope (fresh memory every call). To show how
 * large that cost is, the cost of allocating and first touching (page-faulting) a fresh output of
 * the product's size is timed alongside ("fresh us").
 *
 * <p>Options: {@code --threads N} (OpenBLAS threads; 0 keeps the library's default), {@code --reps
 * N}, {@code --batch-ms N}, {@code --warm-ms N}.
 */
public final class GemmBench {
  private GemmBench() {}

  private record Case(String name, int batch, int m, int k, int n) {
    double flops() {
      return 2.0 * batch * m * k * n;
    }
  }

  private static final Case[] CASES = {
    new Case("[768,128]·[128,384]", 1, 768, 128, 384),
    new Case("[768,128]·[128,512]", 1, 768, 128, 512),
    new Case("[768,512]·[512,128]", 1, 768, 512, 128),
    new Case("[48,64,32]·[48,32,64]", 48, 64, 32, 64),
    new Case("1024³", 1, 1024, 1024, 1024),
  };

  /** Runs the benchmark; see the class comment for options. */
  public static void main(String[] args) throws Exception {
    BenchSupport.Options o = new BenchSupport.Options(args);
    int threads = BenchSupport.setBlasThreads(o.integer("threads", 0));
    int reps = o.integer("reps", 15);
    double batchS = o.real("batch-ms", 60) / 1000;
    double warmS = o.real("warm-ms", 300) / 1000;
    System.out.println("GemmBench: " + BenchSupport.environment(threads));
    System.out.println(
        "median GFLOP/s over "
            + reps
            + " alternating rounds of ~"
            + Math.round(batchS * 1000)
            + " ms each");
    System.out.println(
        "GFLOP/s columns: Tensor.matmul in a MemoryScope (as in a training step), cblas_sgemm"
            + " direct, ratio, INDArray.mmul, ratio, Tensor.matmul outside any scope, ratio;"
            + " then us per call of ours and direct, and of allocating + first-touching a fresh"
            + " output of the product's size (page faults)");
    System.out.printf(
        Locale.ROOT,
        "%-24s %10s %10s %9s %10s %9s %10s %9s %9s %9s %9s  %s%n",
        "shape",
        "Tensor.mm",
        "sgemm",
        "ours/dir",
        "INDArray",
        "nd4j/dir",
        "no scope",
        "fresh/dir",
        "ours us",
        "dir us",
        "fresh us",
        "max|diff|");
    Generator gen = new Generator(42);
    for (Case c : CASES) {
      run(c, gen, reps, batchS, warmS);
    }
  }

  private static void run(Case c, Generator gen, int reps, double batchS, double warmS)
      throws Exception {
    Tensor a = c.batch == 1 ? Tensor.randn(gen, c.m, c.k) : Tensor.randn(gen, c.batch, c.m, c.k);
    Tensor b = c.batch == 1 ? Tensor.randn(gen, c.k, c.n) : Tensor.randn(gen, c.batch, c.k, c.n);
    FloatPointer out = new FloatPointer((long) c.batch * c.m * c.n);
    FloatPointer[] pa = new FloatPointer[c.batch];
    FloatPointer[] pb = new FloatPointer[c.batch];
    FloatPointer[] pc = new FloatPointer[c.batch];
    for (int i = 0; i < c.batch; i++) {
      pa[i] = new FloatPointer(a.storage().pointer).position((long) i * c.m * c.k);
      pb[i] = new FloatPointer(b.storage().pointer).position((long) i * c.k * c.n);
      pc[i] = new FloatPointer(out).position((long) i * c.m * c.n);
    }
    INDArray na = a.array();
    INDArray nb = b.array();

    // As a training step runs it: inside a MemoryScope, so the output buffer is reused.
    BenchSupport.Work ours =
        () -> {
          try (MemoryScope scope = MemoryScope.open()) {
            BenchSupport.sink = a.matmul(b);
          }
        };
    // Outside any scope: every output is fresh memory until the GC frees the old ones.
    BenchSupport.Work oursFresh = () -> BenchSupport.sink = a.matmul(b);
    BenchSupport.Work direct =
        () -> {
          for (int i = 0; i < c.batch; i++) {
            cblas_sgemm(
                CblasRowMajor,
                CblasNoTrans,
                CblasNoTrans,
                c.m,
                c.n,
                c.k,
                1f,
                pa[i],
                c.k,
                pb[i],
                c.n,
                0f,
                pc[i],
                c.n);
          }
          BenchSupport.sink = out;
        };
    BenchSupport.Work nd4j =
        () -> BenchSupport.sink = c.batch == 1 ? na.mmul(nb) : Nd4j.matmul(na, nb);

    long outBytes = 4L * c.batch * c.m * c.n;
    BenchSupport.Work freshOut =
        () -> {
          Tensor t = Tensor.empty(DType.FLOAT32, (long) c.batch * c.m * c.n);
          Pointer.memset(t.storage().pointer, 0, outBytes);
          BenchSupport.sink = t;
        };

    BenchSupport.Work[] impls = {ours, direct, nd4j, freshOut, oursFresh};
    int[] calls = new int[impls.length];
    for (int j = 0; j < impls.length; j++) {
      calls[j] = BenchSupport.calibrate(impls[j], warmS, batchS);
    }
    double[][] gflops = new double[impls.length][reps];
    double[][] micros = new double[impls.length][reps];
    for (int r = 0; r < reps; r++) {
      for (int step = 0; step < impls.length; step++) {
        int j = r % 2 == 0 ? step : impls.length - 1 - step;
        double s = BenchSupport.time(impls[j], calls[j]);
        gflops[j][r] = c.flops() * calls[j] / s * 1e-9;
        micros[j][r] = s / calls[j] * 1e6;
      }
    }

    direct.run();
    float[] mine = a.matmul(b).toFloatArray();
    double maxDiff = 0;
    for (int i = 0; i < mine.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(mine[i] - out.get(i)));
    }
    double g0 = BenchSupport.median(gflops[0]);
    double g1 = BenchSupport.median(gflops[1]);
    double g2 = BenchSupport.median(gflops[2]);
    double g4 = BenchSupport.median(gflops[4]);
    System.out.printf(
        Locale.ROOT,
        "%-24s %10.1f %10.1f %8.0f%% %10.1f %8.0f%% %10.1f %8.0f%% %9.0f %9.0f %9.0f  %.1e%n",
        c.name,
        g0,
        g1,
        100 * g0 / g1,
        g2,
        100 * g2 / g1,
        g4,
        100 * g4 / g1,
        BenchSupport.median(micros[0]),
        BenchSupport.median(micros[1]),
        BenchSupport.median(micros[3]),
        maxDiff);
  }
}
