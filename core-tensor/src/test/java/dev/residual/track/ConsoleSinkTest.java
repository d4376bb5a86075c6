package dev.residual.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {
  private static final RunInfo RUN =
      new RunInfo("abcd1234", "my-run", "p", null, List.of(), Path.of("runs/p/abcd1234"));

  @Test
  void plainModePrintsEveryNStepsWithRateAndTheLastStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsoleSink sink = new ConsoleSink(out, 1000, false, 1_000_000, 100);
    sink.start(RUN, Map.of());
    for (int step = 0; step <= 250; step++) {
      Map<String, Number> m = new LinkedHashMap<>();
      m.put("loss", 0.512);
      m.put("lr", 0.001);
      // 10 steps per second of fake wall-clock time.
      sink.log(step, m, 1_000_000L + step * 100L);
    }
    sink.finish(0);
    sink.close();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertEquals("step 0/1000  loss 0.5120  lr 0.001000", lines[0]);
    assertEquals("step 100/1000  loss 0.5120  lr 0.001000  10.0 it/s", lines[1]);
    assertEquals("step 200/1000  loss 0.5120  lr 0.001000  10.0 it/s", lines[2]);
    assertEquals("step 250/1000  loss 0.5120  lr 0.001000  10.0 it/s", lines[3]);
    assertTrue(lines[4].contains("my-run") && lines[4].contains("index.html"), lines[4]);
    assertEquals(5, lines.length);
  }

  @Test
  void interactiveModeDrawsABar() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ConsoleSink sink = new ConsoleSink(out, 10, true, 0, 0);
    sink.start(RUN, Map.of());
    for (int step = 1; step <= 10; step++) {
      sink.log(step, Map.of("loss", 1.0 / step), System.currentTimeMillis());
    }
    sink.finish(0);
    sink.close();
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(s.contains("10/10"), s);
    assertTrue(s.contains("loss"), s);
  }

  @Test
  void formatsNumbersCompactly() {
    assertEquals("3", ConsoleSink.format(3));
    assertEquals("1.235e-05", ConsoleSink.format(1.2345e-5));
    assertEquals("NaN", ConsoleSink.format(Double.NaN));
  }

  @Test
  void negativeCountsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> new ConsoleSink(System.out, -1, false, 0, 0));
  }
}
