package dev.residual.examples.interp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InductionTourTest {
  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + out);
    return Double.parseDouble(m.group(1));
  }

  /** The claims docs/interp.md makes about the tour's output. */
  @Test
  void theTourFindsTheCircuitAndAblatingOrPatchingItMovesTheLoss() {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      InductionTour.main(new String[0]);
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    saved.print(out);
    assertTrue(out.contains("logits [8, 31, 128]"), out);
    assertTrue(out.contains("pattern [8, 2, 31, 31]"), out);
    assertTrue(out.contains("keys [8, 31, 2, 32]"), out);
    double repeat = number(out, "loss: first copy [0-9.]+, repeat ([0-9.]+)");
    double first = number(out, "loss: first copy ([0-9.]+)");
    assertTrue(repeat < 1.5 && first > 5, out);
    double ablated = number(out, "loss on the repeat ([0-9.]+) \\(was");
    assertTrue(ablated > repeat + 2, "ablating the previous-token head breaks induction\n" + out);
    // Patching: layer-1 heads restore far more than layer-0 heads.
    Matcher m =
        Pattern.compile("\\[\\[(-?[0-9.]+), (-?[0-9.]+)\\],\\s*\\[(-?[0-9.]+), (-?[0-9.]+)\\]\\]")
            .matcher(out);
    assertTrue(m.find(), out);
    double layer0 = Math.max(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    double layer1 = Math.max(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)));
    assertTrue(layer1 > layer0 + 2, out);
    double k = number(out, "K-composition of L1H\\d with L0H\\d: ([0-9.]+)");
    double random = number(out, "K-composition of .*\\(random ([0-9.]+)\\)");
    assertTrue(k > 1.5 * random, out);
    assertTrue(number(out, "OV eigenvalue positivity of the induction head: ([0-9.]+)") > 0.8, out);
  }
}
