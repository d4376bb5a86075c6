package dev.residual.rl.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestbedTest {
  private static List<Testbed.Contender> three() {
    return List.of(
        Testbed.Contender.of("eps", () -> EpsilonGreedy.sampleAverage(0.1)),
        Testbed.Contender.of("ucb", () -> new Ucb(2)),
        Testbed.Contender.of("grad", () -> new GradientBandit(0.1, true)));
  }

  @Test
  void sameSeedGivesBitIdenticalResultsWhateverTheThreadCount() {
    // 110 runs: several blocks of 25 and a partial last block.
    List<Testbed.Result> one =
        Testbed.builder().runs(110).steps(200).seed(5).threads(1).build().run(three());
    List<Testbed.Result> three =
        Testbed.builder().runs(110).steps(200).seed(5).threads(3).build().run(three());
    List<Testbed.Result> again =
        Testbed.builder().runs(110).steps(200).seed(5).threads(1).build().run(three());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(one.get(i).averageReward(), three.get(i).averageReward(), 0.0);
      assertArrayEquals(one.get(i).optimalFraction(), three.get(i).optimalFraction(), 0.0);
      assertArrayEquals(one.get(i).averageReward(), again.get(i).averageReward(), 0.0);
      assertEquals(110, one.get(i).runs());
      assertEquals(200, one.get(i).steps());
    }
    assertEquals(List.of("eps", "ucb", "grad"), one.stream().map(Testbed.Result::name).toList());
  }

  @Test
  void differentSeedsGiveDifferentResults() {
    double[] a =
        Testbed.builder().runs(20).steps(50).seed(1).build().run(three()).get(0).averageReward();
    double[] b =
        Testbed.builder().runs(20).steps(50).seed(2).build().run(three()).get(0).averageReward();
    assertFalse(Arrays.equals(a, b));
  }

  @Test
  void identicalAgentsMeetTheSameBanditsAndNoise() {
    List<Testbed.Result> r =
        Testbed.builder()
            .runs(30)
            .steps(100)
            .seed(3)
            .build()
            .run(
                List.of(
                    Testbed.Contender.of("a", () -> EpsilonGreedy.sampleAverage(0.1)),
                    Testbed.Contender.of("b", () -> EpsilonGreedy.sampleAverage(0.1))));
    assertArrayEquals(r.get(0).averageReward(), r.get(1).averageReward(), 0.0);
  }

  @Test
  void cheaterIsAlwaysOptimalAndRandomIsOptimalOneTimeInK() {
    List<Testbed.Result> r =
        Testbed.builder()
            .runs(400)
            .steps(200)
            .seed(4)
            .build()
            .run(
                List.of(
                    new Testbed.Contender("cheater", Cheater::new),
                    Testbed.Contender.of("random", RandomAgent::new)));
    for (double f : r.get(0).optimalFraction()) {
      assertEquals(1.0, f, 0.0);
    }
    // The expected maximum of 10 standard normals is 1.5388; s.e. of the run average ~0.02.
    assertEquals(1.5388, r.get(0).meanReward(0, 200), 0.08);
    assertEquals(0.1, r.get(1).meanOptimal(0, 200), 0.01); // s.e. 0.0011
    assertEquals(0.0, r.get(1).meanReward(0, 200), 0.08);
  }

  @Test
  void nonStationaryTestbedRewardsConstantStepSizeOverSampleAverages() {
    // Exercise 2.5 in small: after many steps the random walk has moved the best arm, and the
    // constant step size tracks it better than sample averages.
    List<Testbed.Result> r =
        Testbed.builder()
            .runs(100)
            .steps(5000)
            .seed(6)
            .stationary(false)
            .threads(2)
            .build()
            .run(
                List.of(
                    Testbed.Contender.of("sample averages", () -> EpsilonGreedy.sampleAverage(0.1)),
                    Testbed.Contender.of(
                        "alpha=0.1", () -> EpsilonGreedy.constantStep(0.1, 0.1, 0.0))));
    double sampleAvg = r.get(0).meanOptimal(4000, 5000);
    double constant = r.get(1).meanOptimal(4000, 5000);
    System.out.printf(
        "non-stationary, steps 4001..5000: %% optimal sample averages %.3f, alpha=0.1 %.3f%n",
        sampleAvg, constant);
    assertTrue(constant > sampleAvg + 0.1, constant + " vs " + sampleAvg);
  }

  @Test
  void resultWindowsAreCheckedAndAveraged() {
    Testbed.Result r =
        new Testbed.Result("x", new double[] {1, 2, 3, 4}, new double[] {0, 0.5, 1, 1}, 1);
    assertEquals(2.5, r.meanReward(1, 3), 0.0);
    assertEquals(0.625, r.meanOptimal(0, 4), 0.0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> r.meanReward(2, 2));
    assertEquals(
        "Testbed.Result.meanReward: range [2, 2) is not inside [0, 4) or is empty", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.meanOptimal(-1, 2));
    assertThrows(IllegalArgumentException.class, () -> r.meanOptimal(0, 5));
  }

  @Test
  void badSettingsAndContendersAreErrors() {
    assertEquals(
        "Testbed: runs and steps must be >= 1, got runs=0, steps=1000",
        assertThrows(IllegalArgumentException.class, () -> Testbed.builder().runs(0).build())
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Testbed.builder().steps(0).build());
    assertThrows(IllegalArgumentException.class, () -> Testbed.builder().threads(-1).build());
    assertThrows(IllegalArgumentException.class, () -> Testbed.builder().arms(0).build());
    assertThrows(IllegalArgumentException.class, () -> Testbed.builder().walkStd(-1).build());
    Testbed tb = Testbed.builder().runs(2).steps(3).build();
    assertEquals(
        "Testbed.run: no contenders",
        assertThrows(IllegalArgumentException.class, () -> tb.run(List.of())).getMessage());
    assertEquals(
        "Testbed.run: duplicate contender name 'a'",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    tb.run(
                        List.of(
                            Testbed.Contender.of("a", RandomAgent::new),
                            Testbed.Contender.of("a", RandomAgent::new))))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Testbed.Contender.of("", RandomAgent::new));
    assertThrows(IllegalArgumentException.class, () -> new Testbed.Contender("a", null));
    assertEquals(
        "Testbed.run: the factory of 'n' returned null",
        assertThrows(
                IllegalStateException.class,
                () -> tb.run(List.of(Testbed.Contender.of("n", () -> null))))
            .getMessage());
    Testbed parallel = Testbed.builder().runs(60).steps(3).threads(2).build();
    assertThrows(
        IllegalStateException.class,
        () -> parallel.run(List.of(Testbed.Contender.of("n", () -> null))));
  }
}
