package dev.residual.examples.walkthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walkthrough's code cannot rot: every Java block in the docs equals a region of an example
 * source (which the build compiles), and every example runs here on a tiny model.
 *
 * <p>Run with {@code -Dsnippets.update=true} to rewrite the docs' blocks from the sources instead
 * of failing on a difference.
 */
class WalkthroughSnippetsTest {
  private static final Path ROOT = Snippets.defaultRoot();

  /** Runs {@code main} and returns what it printed. */
  private interface Main {
    void run() throws Exception;
  }

  private static String capture(Main main) throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(saved);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    saved.print(out);
    return out;
  }

  private static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + out);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyJavaBlockInTheDocsEqualsItsSourceRegion() throws Exception {
    if (Boolean.getBoolean("snippets.update")) {
      System.out.println("Snippets: rewrote " + Snippets.sync(ROOT) + " block(s)");
    }
    List<String> problems = Snippets.check(ROOT);
    if (!problems.isEmpty()) {
      fail(
          String.join("\n", problems)
              + "\n(to rewrite the docs from the sources: ./mvnw -B -q -o -pl examples test"
              + " -Dtest=WalkthroughSnippetsTest -Dsnippets.update=true)");
    }
  }

  @Test
  void theWalkthroughHasSnippetsAndItsImagesExistAndAreSmall() throws Exception {
    Path page = ROOT.resolve("docs/gpt2-from-scratch.md");
    List<String> text = new ArrayList<>(Files.readAllLines(page));
    for (Path p : Snippets.pages(ROOT)) {
      if (Snippets.isWalkthrough(ROOT, p) && !p.equals(page)) {
        text.addAll(Files.readAllLines(p));
      }
    }
    String all = String.join("\n", text);
    assertTrue(all.split("<!-- snippet:").length > 20, "the walkthrough should quote its code");
    Matcher m = Pattern.compile("\\]\\((?:\\.\\./)?images/([^)]+\\.png)\\)").matcher(all);
    int images = 0;
    while (m.find()) {
      Path png = ROOT.resolve("docs/images").resolve(m.group(1));
      assertTrue(Files.exists(png), "missing image " + png);
      assertTrue(Files.size(png) < 200_000, png + " is " + Files.size(png) + " bytes");
      images++;
    }
    assertTrue(images >= 5, "expected the walkthrough's figures, found " + images);
  }

  @Test
  void aMissingMarkerAWrongRegionAndAStaleBlockAreReportedAndSyncFixesTheStaleOne(
      @TempDir Path root) throws Exception {
    Path src = root.resolve(Snippets.SOURCE_ROOT).resolve("x/A.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "class A {\n  void f() {\n    // region one\n    int a = 1;\n    // endregion\n  }\n}\n");
    Path docs = root.resolve("docs");
    Files.createDirectories(docs);
    Path page = docs.resolve("gpt2-from-scratch.md");
    Files.writeString(
        page,
        "<!-- snippet: x/A.java#one -->\n```java\nint a = 2;\n```\n\n"
            + "```java\nint b;\n```\n\n<!-- snippet: x/A.java#two -->\n```java\n```\n");
    List<String> problems = Snippets.check(root);
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("no region two"), problems.toString());
    assertTrue(problems.get(1).contains("without a <!-- snippet"), problems.toString());
    assertTrue(problems.get(2).contains("block differs from x/A.java#one"), problems.toString());
    Files.writeString(page, "<!-- snippet: x/A.java#one -->\n```java\nint a = 2;\n```\n");
    assertEquals(1, Snippets.sync(root));
    assertEquals(
        "<!-- snippet: x/A.java#one -->\n```java\nint a = 1;\n```\n", Files.readString(page));
    assertTrue(Snippets.check(root).isEmpty());
  }

  @Test
  void tokensPrintsGpt2sRealTokenIds() throws Exception {
    String out = capture(() -> Tokens.main(new String[0]));
    assertTrue(out.contains("\"Hello world!\"         -> [15496, 995, 0] [Hello, Ġworld, !]"), out);
    assertTrue(out.contains("[464, 886, 13, 50256], eot = 50256"), out);
  }

  @Test
  void anatomyCountsTheBabyModelAndMeasuresItsInitialisation() throws Exception {
    String out = capture(() -> Anatomy.main(new String[0]));
    assertTrue(out.contains("804,096 parameters"), out);
    assertTrue(out.contains("lm_head is wte: true"), out);
    assertTrue(out.contains("GPT-2 small: 124,439,808 parameters"), out);
    double std = number(out, "std of transformer.h.0.attn.c_proj.weight\\s+([0-9.]+)");
    assertEquals(0.02 / Math.sqrt(8), std, 3e-4);
    assertEquals(1.0, number(out, "unscaled, ([0-9.]+) scaled"), 0.05);
  }

  @Test
  void attentionsHandWrittenForwardEqualsTheLibrarysAndScalingGivesUnitVariance() throws Exception {
    String out = capture(() -> Attention.main(new String[0]));
    assertTrue(number(out, "max \\|manual - library\\| = ([0-9.eE+-]+)") < 1e-4, out);
    assertEquals(1.0, number(out, "d = 256: .*var\\(q·k / sqrt\\(d\\)\\) = ([0-9.]+)"), 0.1);
    assertTrue(out.contains("[0.3333, 0.3333, 0.3333, 0.0000]"), out);
  }

  @Test
  void trainingATinyModelLowersTheValidationLoss() throws Exception {
    String out = capture(() -> Training.main(new String[0]));
    assertTrue(out.contains("iter  100: lr 0.001000"), out);
    assertTrue(out.contains("weight_decay 0.0: 9 tensors, 1,152 parameters"), out);
    double first = number(out, "step    0: train loss [0-9.]+, val loss ([0-9.]+)");
    double last = number(out, "step   60: train loss [0-9.]+, val loss ([0-9.]+)");
    assertTrue(last < first - 0.5, out);
  }

  @Test
  void samplingRunsEveryMethodAndBatchingMatchesSingleRuns() throws Exception {
    String out = capture(() -> Sampling.main(new String[0]));
    for (int i = 0; i < 3; i++) {
      assertTrue(out.contains("prompt " + i + ": same tokens alone and batched: true"), out);
    }
    assertTrue(out.contains("same as the result: true"), out);
    assertTrue(out.contains("--- 4 beams, earlyStopping NEVER"), out);
    assertEquals(6, out.split("--- 4 beams, length penalty").length - 1, out);
  }

  @Test
  void theQuickReferenceSnippetsRunAndGenerateTwoHundredTokens() throws Exception {
    String out = capture(() -> QuickReference.main(new String[0]));
    assertTrue(out.contains("logits [12, 64, 65]"), out);
    assertTrue(out.contains("generated 200 tokens"), out);
  }

  @Test
  void theKvCacheMatchesTheFullForwardAndGivesTheSameTokens() throws Exception {
    String out = capture(() -> KvCacheDemo.main(new String[0]));
    assertTrue(number(out, "max \\|cached - full\\| = ([0-9.eE+-]+)") < 1e-4, out);
    assertTrue(out.contains("same tokens: true"), out);
  }

  @Test
  void figuresAreDrawnAndSmall(@TempDir Path dir) throws Exception {
    capture(() -> Figures.main(new String[] {dir.toString()}));
    for (String f :
        List.of(
            "loss.png",
            "attention-previous.png",
            "attention-far.png",
            "top-k.png",
            "top-p.png",
            "positions.png")) {
      Path png = dir.resolve(f);
      assertTrue(Files.exists(png), f);
      assertTrue(Files.size(png) > 1000 && Files.size(png) < 200_000, f + " " + Files.size(png));
    }
  }
}
