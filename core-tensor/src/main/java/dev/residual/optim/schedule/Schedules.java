package dev.residual.optim.schedule;

/** Argument checks shared by the warmup schedules. */
final class Schedules {
  private Schedules() {}

  static void check(String name, double maxLr, int warmupSteps, int decaySteps, double minLr) {
    if (!(maxLr >= 0)) {
      throw new IllegalArgumentException(name + ": maxLr must be >= 0, got " + maxLr);
    }
    if (!(minLr >= 0)) {
      throw new IllegalArgumentException(name + ": minLr must be >= 0, got " + minLr);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException(name + ": warmupSteps must be >= 0, got " + warmupSteps);
    }
    if (decaySteps <= warmupSteps) {
      throw new IllegalArgumentException(
          name
              + ": decaySteps ("
              + decaySteps
              + ") must be greater than warmupSteps ("
              + warmupSteps
              + ")");
    }
  }
}
