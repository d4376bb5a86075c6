package dev.residual.evals.solver;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {name}} placeholders. Only names present in the values map are replaced; any other
 * brace text (JSON in a prompt, say) is left as it is; doubled braces have no special meaning.
 * Replacement text is inserted literally, never re-expanded.
 */
public final class Templates {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");

  private Templates() {}

  /**
   * {@code template} with each {@code {key}} whose key is in {@code values} replaced by its value.
   */
  public static String fill(String template, Map<String, ?> values) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String key = m.group(1);
      String rep = values.containsKey(key) ? String.valueOf(values.get(key)) : m.group();
      m.appendReplacement(sb, Matcher.quoteReplacement(rep));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
