package dev.residual.benchmarks;

import dev.residual.nn.functional.F;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per-call latency of small (8x8 FLOAT32) ops, where fixed per-op overhead dominates: Residual's
 * allocating {@code add} and {@code softmax} (also with autograd recording) against ND4J's
 * allocating {@code add} and {@code Transforms.softmax}.
 *
 * <p>Each op is timed in {@code --batches} batches of {@code --calls} calls; batches of the
 * different ops are interleaved, in alternating order, and the figure is the median per-call time.
 *
 * <p>Options: {@code --threads N}, {@code --batches N}, {@code --calls N}, {@code --warm-ms N}.
 */
public final class SmallOpBench {
  private SmallOpBench() {}

  /** Runs the benchmark; see the class comment for options. */
  public static void main(String[] args) throws Exception {
    BenchSupport.Options o = new BenchSupport.Options(args);
    int threads = BenchSupport.setBlasThreads(o.integer("threads", 0));
    int batches = o.integer("batches", 200);
    int calls = o.integer("calls", 1000);
    double warmS = o.real("warm-ms", 1500) / 1000;
    System.out.println("SmallOpBench: " + BenchSupport.environment(threads));

    Generator gen = new Generator(7);
    Tensor a = Tensor.randn(gen, 8, 8);
    Tensor b = Tensor.randn(gen, 8, 8);
    Tensor ga = Tensor.randn(gen, 8, 8).requiresGrad(true);
    INDArray na = a.array();
    INDArray nb = b.array();

    String[] names = {
      "Tensor.add 8x8",
      "F.softmax 8x8 (dim -1)",
      "Tensor.add 8x8, input requires grad (records a node)",
      "F.softmax 8x8, input requires grad",
      "INDArray.add 8x8 (allocating)",
      "Transforms.softmax 8x8 (allocating)",
    };
    BenchSupport.Work[] ops = {
      () -> BenchSupport.sink = a.add(b),
      () -> BenchSupport.sink = F.softmax(a, -1),
      () -> BenchSupport.sink = ga.add(b),
      () -> BenchSupport.sink = F.softmax(ga, -1),
      () -> BenchSupport.sink = na.add(nb),
      () -> BenchSupport.sink = Transforms.softmax(na, true),
    };
    for (BenchSupport.Work w : ops) {
      BenchSupport.calibrate(w, warmS / ops.length, 0.01);
    }
    double[][] us = new double[ops.length][batches];
    for (int r = 0; r < batches; r++) {
      for (int step = 0; step < ops.length; step++) {
        int j = r % 2 == 0 ? step : ops.length - 1 - step;
        us[j][r] = BenchSupport.time(ops[j], calls) / calls * 1e6;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "median per call over %d batches of %d calls (p10 / p90 in brackets)%n",
        batches,
        calls);
    for (int j = 0; j < ops.length; j++) {
      System.out.printf(
          Locale.ROOT,
          "%-56s %8.2f us  [%.2f / %.2f]%n",
          names[j],
          BenchSupport.median(us[j]),
          BenchSupport.quantile(us[j], 0.1),
          BenchSupport.quantile(us[j], 0.9));
    }
  }
}
