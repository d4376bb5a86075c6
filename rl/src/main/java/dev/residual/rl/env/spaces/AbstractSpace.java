package dev.residual.rl.env.spaces;

import dev.residual.tensor.Generator;
import java.util.concurrent.ThreadLocalRandom;

/** The shared part of the spaces: their own generator. */
abstract class AbstractSpace<T> implements Space<T> {
  private Generator own = new Generator(ThreadLocalRandom.current().nextLong());

  @Override
  public final T sample() {
    return sample(own);
  }

  @Override
  public final void seed(long seed) {
    own = new Generator(seed);
  }
}
