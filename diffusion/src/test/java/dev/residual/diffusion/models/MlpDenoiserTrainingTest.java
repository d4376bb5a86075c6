package dev.residual.diffusion.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.residual.diffusion.data.Toy2d;
import dev.residual.nn.functional.F;
import dev.residual.optim.AdamW;
import dev.residual.tensor.Generator;
import dev.residual.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MlpDenoiserTrainingTest {
  @Test
  void epsilonPredictionLossFallsWellBelowTheUntrainedLevelOnEightGaussians() {
    // Self-contained DDPM training (linear β from 1e-4 to 0.02, T = 100 after rescaling by
    // 1000/T), so the test does not depend on the schedule classes.
    int steps = 100;
    double[] sqrtAbar = new double[steps];
    double[] sqrtOneMinusAbar = new double[steps];
    double abar = 1;
    for (int t = 0; t < steps; t++) {
      double beta = (1e-4 + (0.02 - 1e-4) * t / (steps - 1)) * 1000.0 / steps;
      abar *= 1 - beta;
      sqrtAbar[t] = Math.sqrt(abar);
      sqrtOneMinusAbar[t] = Math.sqrt(1 - abar);
    }
    Generator g = new Generator(21);
    MlpDenoiser m = new MlpDenoiser(MlpDenoiser.Config.of(2).withHidden(64).withNumHidden(3), g);
    AdamW opt = new AdamW(m.parameters(), 3e-3);
    int batch = 256;
    double first = 0;
    double last = 0;
    int iters = 300;
    for (int it = 0; it < iters; it++) {
      Tensor x0 = Toy2d.eightGaussians(batch, g).points();
      long[] ts = new long[batch];
      float[] a = new float[batch];
      float[] s = new float[batch];
      for (int i = 0; i < batch; i++) {
        ts[i] = g.nextInt(steps);
        a[i] = (float) sqrtAbar[(int) ts[i]];
        s[i] = (float) sqrtOneMinusAbar[(int) ts[i]];
      }
      Tensor eps = Tensor.randn(g, batch, 2);
      Tensor xt = x0.mul(Tensor.of(a, batch, 1)).add(eps.mul(Tensor.of(s, batch, 1)));
      Tensor loss = F.mseLoss(m.predict(xt, Tensor.of(ts, batch), null), eps);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      double v = loss.item();
      if (it < 20) {
        first += v / 20;
      } else if (it >= iters - 50) {
        last += v / 50;
      }
    }
    assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
  }
}
