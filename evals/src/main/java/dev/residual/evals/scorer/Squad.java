package dev.residual.evals.scorer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD's answer normalisation, exact match and token F1 (as in the SQuAD v1.1 evaluation script):
 * lower-case, remove punctuation, remove the articles a/an/the, collapse whitespace.
 */
public final class Squad {
  private static final Pattern PUNCT = Pattern.compile("\\p{Punct}");
  private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");

  private Squad() {}

  /** The normalised answer: "The Cat, sat!" → "cat sat". */
  public static String normalize(String s) {
    String t = s.toLowerCase(Locale.ROOT);
    t = PUNCT.matcher(t).replaceAll("");
    t = ARTICLES.matcher(t).replaceAll(" ");
    return String.join(" ", tokens0(t));
  }

  /** Whether the normalised strings are equal. */
  public static boolean exact(String prediction, String truth) {
    return normalize(prediction).equals(normalize(truth));
  }

  /**
   * Token F1 of the normalised strings: 2PR/(P+R) over the multiset of common tokens; 1 when both
   * are empty after normalising, 0 when only one is.
   */
  public static double f1(String prediction, String truth) {
    List<String> p = tokens0(normalize(prediction));
    List<String> g = tokens0(normalize(truth));
    if (p.isEmpty() || g.isEmpty()) {
      return p.isEmpty() && g.isEmpty() ? 1.0 : 0.0;
    }
    Map<String, Integer> counts = new HashMap<>();
    for (String t : g) {
      counts.merge(t, 1, Integer::sum);
    }
    int common = 0;
    for (String t : p) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        common++;
        counts.put(t, c - 1);
      }
    }
    if (common == 0) {
      return 0.0;
    }
    double precision = (double) common / p.size();
    double recall = (double) common / g.size();
    return 2 * precision * recall / (precision + recall);
  }

  private static List<String> tokens0(String s) {
    List<String> out = new ArrayList<>();
    for (String t : s.trim().split("\\s+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }
}
