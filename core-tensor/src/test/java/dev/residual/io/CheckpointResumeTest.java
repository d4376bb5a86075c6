package dev.residual.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.optim.GradClip;
import dev.residual.optim.OptimizerState;
import dev.residual.optim.schedule.Scheduler;
import dev.residual.optim.schedule.WarmupCosine;
import dev.residual.tensor.Generator;
import dev.residual.tensor.MemoryScope;
import dev.residual.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resuming from a checkpoint reproduces the uninterrupted run exactly (issue 3's acceptance). */
class CheckpointResumeTest {
  /** A small MLP run: parameters, optimizer, schedule and the data generator. */
  private static final class Run {
    final Map<String, Tensor> params = new LinkedHashMap<>();
    final AdamW opt;
    final Scheduler sched;
    final Generator data = new Generator(99);

    Run() {
      Generator init = new Generator(5);
      params.put("fc1.weight", Tensor.randn(init, 16, 4).mul(0.3).requiresGrad(true));
      params.put("fc1.bias", Tensor.zeros(16).requiresGrad(true));
      params.put("fc2.weight", Tensor.randn(init, 3, 16).mul(0.3).requiresGrad(true));
      params.put("fc2.bias", Tensor.zeros(3).requiresGrad(true));
      List<Tensor> ps = List.copyOf(params.values());
      opt = AdamW.builder().lr(1e-2).betas(0.9, 0.99).weightDecay(0.1).build(ps);
      sched = new Scheduler(opt, new WarmupCosine(1e-2, 20, 200, 1e-3));
    }

    double step() {
      try (MemoryScope scope = MemoryScope.open()) {
        Tensor x = Tensor.randn(data, 32, 4);
        Tensor y = Tensor.randint(data, 0, 3, 32);
        Tensor h = F.linear(x, params.get("fc1.weight"), params.get("fc1.bias")).relu();
        Tensor loss =
            F.crossEntropy(F.linear(h, params.get("fc2.weight"), params.get("fc2.bias")), y);
        loss.backward();
        GradClip.clipGradNorm(List.copyOf(params.values()), 1.0);
        opt.step();
        opt.zeroGrad(false);
        sched.step();
        return loss.item();
      }
    }

    Checkpoint.Contents save(long step) {
      OptimizerState os = opt.stateDict();
      return new Checkpoint.Contents(
          step,
          params,
          os.tensors(),
          os.meta(),
          sched.stateDict(),
          Map.of("data", data.getState()),
          Map.of("hidden", 16));
    }

    void restore(Checkpoint.Contents c) {
      try (Tensor.NoGrad ng = Tensor.noGrad()) {
        for (Map.Entry<String, Tensor> e : c.model().entrySet()) {
          params.get(e.getKey()).copy_(e.getValue());
        }
      }
      opt.loadStateDict(new OptimizerState(c.optimizerTensors(), c.optimizerState()));
      sched.loadStateDict(c.schedule());
      data.setState(c.generators().get("data"));
    }
  }

  @Test
  void resumingAtStep100GivesTheSameLossesAsTheUninterruptedRun(@TempDir Path tmp)
      throws IOException {
    Run straight = new Run();
    double[] expected = new double[200];
    for (int s = 0; s < 200; s++) {
      expected[s] = straight.step();
    }

    Run first = new Run();
    for (int s = 0; s < 100; s++) {
      first.step();
    }
    Checkpoint.save(tmp.resolve("ckpt"), first.save(100));

    Run resumed = new Run();
    resumed.restore(Checkpoint.load(tmp.resolve("ckpt")));
    double[] got = new double[100];
    for (int s = 0; s < 100; s++) {
      got[s] = resumed.step();
    }
    double[] want = new double[100];
    System.arraycopy(expected, 100, want, 0, 100);
    assertArrayEquals(want, got, 0.0);
  }
}
