package dev.residual.examples.walkthrough;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps the Java code blocks of the docs equal to regions of compiled example sources.
 *
 * <p>In a source file a region is the lines between {@code // region NAME} and {@code //
 * endregion}. In a Markdown page, a marker line {@code <!-- snippet: PATH#NAME -->} ({@code PATH}
 * relative to {@code examples/src/main/java}) must be followed by a {@code ```java} block whose
 * lines equal the region's, both with their common indentation removed. {@link #check} lists every
 * difference; {@link #sync} rewrites the blocks from the sources; {@link #main} runs either.
 *
 * <p>Pages checked: {@code docs/*.md} and {@code docs/gpt2/*.md}. On the walkthrough pages ({@code
 * docs/gpt2-from-scratch.md}, {@code docs/gpt2/*.md}), and on any page that uses a marker, every
 * {@code ```java} block must have a marker.
 */
public final class Snippets {
  /** Where snippet paths start, relative to the repository root. */
  public static final String SOURCE_ROOT = "examples/src/main/java";

  private static final Pattern MARKER =
      Pattern.compile("^\\s*<!--\\s*snippet:\\s*([^#\\s]+)#(\\S+)\\s*-->\\s*$");
  private static final Pattern REGION = Pattern.compile("^\\s*// region (\\S+)\\s*$");
  private static final Pattern END = Pattern.compile("^\\s*// endregion\\s*$");

  private Snippets() {}

  /**
   * Checks ({@code --check}, the default) or rewrites ({@code --write}) the docs under the
   * repository root {@code args[1]} (default: the current directory, or its parent when run from
   * {@code examples/}).
   */
  public static void main(String[] args) throws IOException {
    boolean write = args.length > 0 && args[0].equals("--write");
    Path root = args.length > 1 ? Path.of(args[1]) : defaultRoot();
    if (write) {
      System.out.println("rewrote " + sync(root) + " code block(s)");
      return;
    }
    List<String> problems = check(root);
    problems.forEach(System.out::println);
    System.out.println(
        problems.isEmpty() ? "docs match their sources" : problems.size() + " problem(s)");
    if (!problems.isEmpty()) {
      System.exit(1);
    }
  }

  /** The repository root: the current directory, or its parent when that holds {@code docs/}. */
  public static Path defaultRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("docs")) ? here : here.getParent();
  }

  /** The Markdown pages checked: {@code docs/*.md} and {@code docs/gpt2/*.md}. */
  public static List<Path> pages(Path root) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path dir : List.of(root.resolve("docs"), root.resolve("docs/gpt2"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
      }
    }
    return out;
  }

  /**
   * Whether every Java block of {@code page} must carry a marker regardless of its other blocks.
   */
  static boolean isWalkthrough(Path root, Path page) {
    Path rel = root.relativize(page);
    return rel.equals(Path.of("docs/gpt2-from-scratch.md")) || rel.startsWith("docs/gpt2");
  }

  /**
   * The regions of a source file, by name, each with its common indentation removed.
   *
   * @throws IllegalArgumentException if a region is unterminated, nested or named twice
   */
  public static Map<String, List<String>> regions(Path source) throws IOException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String open = null;
    List<String> body = null;
    int lineNo = 0;
    for (String line : Files.readAllLines(source)) {
      lineNo++;
      Matcher m = REGION.matcher(line);
      if (m.matches()) {
        if (open != null) {
          throw new IllegalArgumentException(
              source + ":" + lineNo + ": region " + m.group(1) + " opens inside region " + open);
        }
        open = m.group(1);
        body = new ArrayList<>();
      } else if (END.matcher(line).matches()) {
        if (open == null) {
          throw new IllegalArgumentException(source + ":" + lineNo + ": endregion without region");
        }
        if (out.put(open, dedent(body)) != null) {
          throw new IllegalArgumentException(source + ": region " + open + " appears twice");
        }
        open = null;
      } else if (open != null) {
        body.add(line);
      }
    }
    if (open != null) {
      throw new IllegalArgumentException(source + ": region " + open + " is never closed");
    }
    return out;
  }

  /**
   * {@code lines} without their common leading whitespace (blank lines ignored) and trailing
   * blanks.
   */
  public static List<String> dedent(List<String> lines) {
    int common = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == ' ') {
          i++;
        }
        common = Math.min(common, i);
      }
    }
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      out.add(l.isBlank() ? "" : l.substring(common).stripTrailing());
    }
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    while (!out.isEmpty() && out.get(0).isEmpty()) {
      out.remove(0);
    }
    return out;
  }

  /** One marked or unmarked code block of a page. */
  private record Block(int fenceLine, int endLine, String path, String region) {}

  /** The Java blocks of a page (0-based line numbers of the fences), with their markers if any. */
  private static List<Block> blocks(List<String> lines, Path page) {
    List<Block> out = new ArrayList<>();
    String path = null;
    String region = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher m = MARKER.matcher(line);
      if (m.matches()) {
        path = m.group(1);
        region = m.group(2);
        continue;
      }
      if (line.strip().startsWith("```")) {
        boolean java = line.strip().equals("```java");
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
          end++;
        }
        if (end == lines.size()) {
          throw new IllegalArgumentException(page + ":" + (i + 1) + ": code block never closed");
        }
        if (java) {
          out.add(new Block(i, end, path, region));
        } else if (path != null) {
          out.add(new Block(i, -1, path, region)); // a marker before a non-Java block
        }
        path = null;
        region = null;
        i = end;
      } else if (!line.isBlank() && path != null) {
        out.add(new Block(i, -1, path, region)); // a marker followed by prose
        path = null;
        region = null;
      }
    }
    if (path != null) {
      out.add(new Block(lines.size(), -1, path, region));
    }
    return out;
  }

  /** Every way the docs under {@code root} differ from their sources; empty when in sync. */
  public static List<String> check(Path root) throws IOException {
    return process(root, false);
  }

  /**
   * Rewrites every marked Java block under {@code root} from its source region.
   *
   * @return the number of blocks changed
   * @throws IllegalStateException listing the problems a rewrite cannot fix (missing files, regions
   *     or markers)
   */
  public static int sync(Path root) throws IOException {
    List<String> before = check(root);
    process(root, true);
    List<String> after = check(root);
    if (!after.isEmpty()) {
      throw new IllegalStateException("Snippets.sync: cannot fix:\n" + String.join("\n", after));
    }
    return before.size();
  }

  private static List<String> process(Path root, boolean write) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<Path, Map<String, List<String>>> cache = new LinkedHashMap<>();
    for (Path page : pages(root)) {
      List<String> lines = new ArrayList<>(Files.readAllLines(page));
      List<Block> blocks = blocks(lines, page);
      boolean strict = isWalkthrough(root, page) || blocks.stream().anyMatch(b -> b.path() != null);
      String name = root.relativize(page).toString();
      boolean changed = false;
      // Back to front, so rewriting a block keeps the earlier line numbers valid.
      for (int bi = blocks.size() - 1; bi >= 0; bi--) {
        Block b = blocks.get(bi);
        String where = name + ":" + (b.fenceLine() + 1);
        if (b.path() == null) {
          if (strict) {
            problems.add(where + ": java block without a <!-- snippet: PATH#REGION --> marker");
          }
          continue;
        }
        if (b.endLine() < 0) {
          problems.add(
              where
                  + ": snippet marker "
                  + b.path()
                  + "#"
                  + b.region()
                  + " is not followed by a ```java block");
          continue;
        }
        Path source = root.resolve(SOURCE_ROOT).resolve(b.path());
        if (!Files.exists(source)) {
          problems.add(where + ": no source file " + root.relativize(source));
          continue;
        }
        Map<String, List<String>> regions;
        try {
          regions =
              cache.computeIfAbsent(
                  source,
                  s -> {
                    try {
                      return regions(s);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
        } catch (IllegalArgumentException e) {
          problems.add(where + ": " + e.getMessage());
          continue;
        }
        List<String> want = regions.get(b.region());
        if (want == null) {
          problems.add(
              where
                  + ": "
                  + b.path()
                  + " has no region "
                  + b.region()
                  + " (it has "
                  + regions.keySet()
                  + ")");
          continue;
        }
        List<String> have = dedent(lines.subList(b.fenceLine() + 1, b.endLine()));
        if (!have.equals(want)) {
          problems.add(
              where
                  + ": block differs from "
                  + b.path()
                  + "#"
                  + b.region()
                  + firstDifference(have, want));
          if (write) {
            List<String> block = lines.subList(b.fenceLine() + 1, b.endLine());
            block.clear();
            block.addAll(want);
            changed = true;
          }
        }
      }
      if (changed) {
        Files.write(page, lines);
      }
    }
    return problems;
  }

  private static String firstDifference(List<String> have, List<String> want) {
    int n = Math.min(have.size(), want.size());
    for (int i = 0; i < n; i++) {
      if (!have.get(i).equals(want.get(i))) {
        return " at block line "
            + (i + 1)
            + ":\n    doc:    "
            + have.get(i)
            + "\n    source: "
            + want.get(i);
      }
    }
    return " (doc has " + have.size() + " lines, source " + want.size() + ")";
  }
}
