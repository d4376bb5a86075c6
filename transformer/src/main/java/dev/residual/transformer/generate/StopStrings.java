package dev.residual.transformer.generate;

import java.util.List;

/**
 * Watches the decoded text of a growing sequence for stop strings ({@link
 * GenerationConfig#stopStrings()}), including a stop string split over several tokens.
 *
 * <p>Give {@link #scan} the whole decoded text after each new token. Only the newly appended tail
 * is searched, reaching back {@code maxStopLength - 1} characters into the text already scanned so
 * a stop string that started there and completes now is found; so each call costs the new text's
 * length plus the longest stop string, not the whole text. A text shorter than the one last scanned
 * is taken as a new text and searched whole. The text must otherwise only grow at its end.
 *
 * <p>Not thread-safe: one instance per sequence.
 */
public final class StopStrings {
  private final String[] stops;
  private final int maxLength;
  private int scanned;

  /**
   * A watcher for {@code stops}.
   *
   * @throws IllegalArgumentException if a stop string is null or empty
   */
  public StopStrings(List<String> stops) {
    this.stops = stops.toArray(new String[0]);
    int max = 0;
    for (String s : this.stops) {
      if (s == null || s.isEmpty()) {
        throw new IllegalArgumentException(
            "StopStrings: stop strings must not be null or empty, got " + stops);
      }
      max = Math.max(max, s.length());
    }
    this.maxLength = max;
  }

  /**
   * Searches the text appended since the last call. Returns the index in {@code text} where the
   * earliest stop string occurrence starts (truncate the text there), or -1 when generation may go
   * on.
   */
  public int scan(CharSequence text) {
    int previous = text.length() < scanned ? 0 : scanned;
    int at = find(text, previous, stops, maxLength);
    scanned = text.length();
    return at;
  }

  /** Forgets the text scanned so far, so the next {@link #scan} searches its text whole. */
  public void reset() {
    scanned = 0;
  }

  /**
   * The index in {@code text} where the earliest occurrence of a stop string starts, among those
   * that end after {@code checkedLength} (the prefix of that length is taken as already searched),
   * or -1 when none occurs.
   *
   * @throws IllegalArgumentException if {@code checkedLength} is outside {@code [0, text.length()]}
   *     or a stop string is null or empty
   */
  public static int indexOf(CharSequence text, int checkedLength, List<String> stops) {
    if (checkedLength < 0 || checkedLength > text.length()) {
      throw new IllegalArgumentException(
          "StopStrings.indexOf: checkedLength must be in [0, "
              + text.length()
              + "], got "
              + checkedLength);
    }
    StopStrings s = new StopStrings(stops);
    return find(text, checkedLength, s.stops, s.maxLength);
  }

  private static int find(CharSequence text, int checkedLength, String[] stops, int maxLength) {
    if (stops.length == 0 || text.length() == checkedLength) {
      return -1;
    }
    int from = Math.max(0, checkedLength - (maxLength - 1));
    String tail = text.subSequence(from, text.length()).toString();
    int best = -1;
    for (String s : stops) {
      // Occurrences wholly inside the checked prefix were already reported (or absent).
      int searchFrom = Math.max(0, checkedLength - (s.length() - 1) - from);
      int at = tail.indexOf(s, searchFrom);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
      }
    }
    return best < 0 ? -1 : from + best;
  }
}
