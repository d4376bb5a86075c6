package dev.residual.diffusion;

import dev.residual.tensor.Tensor;
import java.util.List;

/**
 * What a sampler saw on its way: every {@code every}-th step's input {@code x_t} and its predicted
 * clean sample {@code x̂0}, for denoising strips and plots.
 *
 * @param timesteps the timestep of each capture, in sampling order
 * @param xt the noisy samples {@code [batch, ...]} entering each captured step
 * @param x0 the predicted clean samples {@code [batch, ...]} at each captured step (after clipping,
 *     if the sampler clips)
 * @param sample the final sample {@code [batch, ...]}
 */
public record Trajectory(List<Integer> timesteps, List<Tensor> xt, List<Tensor> x0, Tensor sample) {
  /** Copies the lists, so the record cannot change afterwards. */
  public Trajectory {
    timesteps = List.copyOf(timesteps);
    xt = List.copyOf(xt);
    x0 = List.copyOf(x0);
  }
}
