package dev.residual.interp;

import dev.residual.plot.Heatmap;
import dev.residual.plot.Plots;
import dev.residual.tensor.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of attention patterns from a cache: a PNG grid of labelled heatmaps (one per head, query
 * tokens down, key tokens across) and a self-contained interactive HTML page (hover a token to see
 * where each head attends from it). Both read {@code blocks.{layer}.attn.hook_pattern} {@code
 * [batch, head, query, key]} for one batch element.
 */
public final class AttentionPatterns {
  private AttentionPatterns() {}

  private static Tensor pattern(
      ActivationCache cache, int layer, int batchIndex, List<String> tokens) {
    Tensor p = cache.get("pattern", layer);
    long[] s = p.shape();
    if (batchIndex < 0 || batchIndex >= s[0]) {
      throw new IllegalArgumentException(
          "AttentionPatterns: batch index " + batchIndex + " outside [0, " + s[0] + ")");
    }
    if (tokens.size() != s[2]) {
      throw new IllegalArgumentException(
          "AttentionPatterns: " + tokens.size() + " token labels for " + s[2] + " positions");
    }
    return p.select(0, batchIndex); // [head, query, key]
  }

  /**
   * Writes one PNG with a heatmap per head of {@code layer} (a grid, up to 4 per row), each {@code
   * cell} pixels square, labelled with {@code tokens}.
   *
   * @throws IllegalArgumentException if the pattern was not cached, the batch index is out of range
   *     or the labels do not match the positions
   * @throws IOException if the file cannot be written
   */
  public static void savePng(
      ActivationCache cache, int layer, int batchIndex, List<String> tokens, Path png, int cell)
      throws IOException {
    Plots.savePng(image(cache, layer, batchIndex, tokens, cell), png);
  }

  /**
   * The image {@link #savePng} writes, for a run's report ({@code Run.logImage}).
   *
   * @throws IllegalArgumentException as {@link #savePng}
   */
  public static BufferedImage image(
      ActivationCache cache, int layer, int batchIndex, List<String> tokens, int cell) {
    Tensor p = pattern(cache, layer, batchIndex, tokens);
    int heads = (int) p.shape()[0];
    int cols = Math.min(4, heads);
    int rows = (heads + cols - 1) / cols;
    Plots.ensureHeadless();
    BufferedImage grid = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
    for (int h = 0; h < heads; h++) {
      BufferedImage one =
          Heatmap.of(p.select(0, h))
              .title(String.format(Locale.ROOT, "layer %d, head %d", layer, h))
              .rowLabels(tokens)
              .colLabels(tokens)
              .xLabel("key")
              .yLabel("query")
              .range(0, 1)
              .toImage(cell, cell);
      g.drawImage(one, (h % cols) * cell, (h / cols) * cell, null);
    }
    g.dispose();
    return grid;
  }

  /**
   * Writes a self-contained HTML page (no network) showing the text once per head; hovering a token
   * shades every earlier token by how much that head attends to it from there. Written atomically.
   *
   * @throws IllegalArgumentException as {@link #savePng}
   * @throws IOException if the file cannot be written
   */
  public static void saveHtml(
      ActivationCache cache, int layer, int batchIndex, List<String> tokens, Path html)
      throws IOException {
    Tensor p = pattern(cache, layer, batchIndex, tokens);
    int heads = (int) p.shape()[0];
    int t = tokens.size();
    float[] v = p.toFloatArray();
    StringBuilder data = new StringBuilder("[");
    for (int h = 0; h < heads; h++) {
      data.append(h > 0 ? "," : "").append('[');
      for (int q = 0; q < t; q++) {
        data.append(q > 0 ? "," : "").append('[');
        for (int k = 0; k < t; k++) {
          data.append(k > 0 ? "," : "")
              .append(String.format(Locale.ROOT, "%.4f", v[(h * t + q) * t + k]));
        }
        data.append(']');
      }
      data.append(']');
    }
    data.append(']');
    StringBuilder toks = new StringBuilder("[");
    for (int i = 0; i < t; i++) {
      toks.append(i > 0 ? "," : "").append(jsonString(tokens.get(i)));
    }
    toks.append(']');
    String page =
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Attention, layer LAYER</title>
        <style>
        body { font-family: sans-serif; margin: 1.5em; }
        .head { margin: 0.6em 0; } .label { font-weight: bold; margin-right: 0.6em; }
        .tok { display: inline-block; padding: 2px 3px; margin: 1px; border: 1px solid #ddd;
               white-space: pre; font-family: monospace; cursor: default; }
        .src { outline: 2px solid #d33; }
        </style></head><body>
        <h2>Attention patterns, layer LAYER</h2>
        <p>Hover a token: each row shades the tokens that head attends to from it.</p>
        <div id="heads"></div>
        <script>
        const tokens = TOKENS;
        const pattern = DATA;
        const root = document.getElementById('heads');
        const rows = pattern.map((_, h) => {
          const row = document.createElement('div');
          row.className = 'head';
          const label = document.createElement('span');
          label.className = 'label';
          label.textContent = 'head ' + h;
          row.appendChild(label);
          const spans = tokens.map((tok, i) => {
            const s = document.createElement('span');
            s.className = 'tok';
            s.textContent = tok;
            s.onmouseenter = () => show(i);
            row.appendChild(s);
            return s;
          });
          root.appendChild(row);
          return spans;
        });
        function show(q) {
          rows.forEach((spans, h) => spans.forEach((s, k) => {
            const w = k <= q ? pattern[h][q][k] : 0;
            s.style.background = 'rgba(30, 90, 200,' + w.toFixed(3) + ')';
            s.style.color = w > 0.5 ? 'white' : 'black';
            s.classList.toggle('src', k === q);
          }));
        }
        show(tokens.length - 1);
        </script></body></html>
        """
            .replace("LAYER", Integer.toString(layer))
            .replace("TOKENS", toks)
            .replace("DATA", data);
    Path dir = html.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".attention", ".html");
    Files.writeString(tmp, page, StandardCharsets.UTF_8);
    Files.move(tmp, html, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '<' -> b.append("\\u003c"); // keeps "</script>" out of the page
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
