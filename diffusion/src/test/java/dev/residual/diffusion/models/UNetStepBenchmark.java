package dev.residual.diffusion.models;

import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Profiler;
import dev.residual.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times one training step (forward, MSE loss against random noise, backward, AdamW step) of a small
 * MNIST-sized {@link UNet}; a measurement, not a test. The PyTorch 1.13 peer is {@code
 * benchmarks/peer/torch_unet.py} (same architecture, sizes and step), and {@code
 * benchmarks/run-unet-vs-torch.sh} alternates the two.
 *
 * <p>Model: 1 input channel, base 32, multipliers (1, 2, 2), 1 residual block per level, attention
 * only in the middle (7x7 at 28x28 input), 8 GroupNorm groups, dropout 0.1, 10 classes. Batch 64,
 * 28x28.
 *
 * <p>Options: {@code --threads N} (OpenBLAS threads; 0 keeps the environment's), {@code --warmup
 * N}, {@code --iters N}, {@code --batch N}, {@code --size N}, {@code --base C} (base channels,
 * default 32), {@code --profile N} (N more steps under a {@link Profiler}, whose table is printed).
 * Prints the parameter count and, last, one JSON line with the median step time (and the medians of
 * its forward and backward).
 */
public final class UNetStepBenchmark {
  private UNetStepBenchmark() {}

  /** Runs the benchmark; see the class comment for the options. */
  public static void main(String[] args) {
    int threads = 0;
    int warmup = 3;
    int iters = 10;
    int batch = 64;
    int size = 28;
    int profileSteps = 0;
    int base = 32;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--threads" -> threads = v;
        case "--warmup" -> warmup = v;
        case "--iters" -> iters = v;
        case "--batch" -> batch = v;
        case "--size" -> size = v;
        case "--profile" -> profileSteps = v;
        case "--base" -> base = v;
        default ->
            throw new IllegalArgumentException("UNetStepBenchmark: unknown option " + args[i]);
      }
    }
    if (threads > 0) {
      org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
    }
    int blasThreads = org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
    Generator g = new Generator(0);
    UNet net = new UNet(1, base, new int[] {1, 2, 2}, 1, new int[0], true, 8, 0.1, 10, g);
    System.out.println("residual UNet parameters: " + net.numParameters());
    AdamW opt = new AdamW(net.parameters(), 2e-4);
    Tensor x = Tensor.randn(g, batch, 1, size, size);
    Tensor eps = Tensor.randn(g, batch, 1, size, size);
    Tensor t = Tensor.randint(g, 0, 1000, batch);
    Tensor y = Tensor.randint(g, 0, 11, batch);
    List<Double> times = new ArrayList<>();
    List<Double> fwd = new ArrayList<>();
    List<Double> bwd = new ArrayList<>();
    for (int it = 0; it < warmup + iters; it++) {
      long t0 = System.nanoTime();
      try (MemoryScope scope = MemoryScope.open()) {
        opt.zeroGrad();
        long f0 = System.nanoTime();
        Tensor loss = F.mseLoss(net.forward(x, t, y), eps);
        long f1 = System.nanoTime();
        loss.backward();
        long b1 = System.nanoTime();
        opt.step();
        if (it >= warmup) {
          fwd.add((f1 - f0) / 1e6);
          bwd.add((b1 - f1) / 1e6);
        }
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      if (it >= warmup) {
        times.add(ms);
      }
    }
    if (profileSteps > 0) {
      try (Profiler prof = Profiler.start()) {
        for (int it = 0; it < profileSteps; it++) {
          try (MemoryScope scope = MemoryScope.open()) {
            opt.zeroGrad();
            Profiler.mark("zero_grad");
            Tensor loss = F.mseLoss(net.forward(x, t, y), eps);
            loss.backward();
            Profiler.mark("backward (other)");
            opt.step();
            Profiler.mark("optimizer");
          }
        }
        System.out.println(prof.table());
      }
    }
    Collections.sort(times);
    Collections.sort(fwd);
    Collections.sort(bwd);
    double median = times.get(times.size() / 2);
    double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    System.out.printf(
        "{\"impl\": \"residual\", \"threads\": %d, \"params\": %d, \"median_ms\": %.1f,"
            + " \"mean_ms\": %.1f, \"forward_ms\": %.1f, \"backward_ms\": %.1f,"
            + " \"iters\": %d}%n",
        blasThreads,
        net.numParameters(),
        median,
        mean,
        fwd.get(fwd.size() / 2),
        bwd.get(bwd.size() / 2),
        iters);
  }
}
