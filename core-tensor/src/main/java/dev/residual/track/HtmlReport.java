package dev.residual.track;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a run's self-contained {@code index.html}: the data is embedded as JSON and drawn as
 * inline SVG line charts by a small inline script, so the report opens offline from {@code file://}
 * with no external scripts, fonts or fetches.
 */
final class HtmlReport {
  /** Most points embedded per metric; longer series are thinned evenly (the last point is kept). */
  static final int MAX_POINTS = 2000;

  /** Most images shown per key (the latest ones). */
  static final int MAX_IMAGES_PER_KEY = 24;

  private static final ObjectMapper JSON = new ObjectMapper();

  private HtmlReport() {}

  /** Metric series and images collected by the local sink. */
  static final class Data {
    final Map<String, Series> series = new LinkedHashMap<>();
    final Map<String, List<Object[]>> images = new LinkedHashMap<>();

    void add(String key, long step, double value) {
      series.computeIfAbsent(key, k -> new Series()).add(step, value);
    }

    void addImage(String key, long step, String relativePath) {
      images.computeIfAbsent(key, k -> new ArrayList<>()).add(new Object[] {step, relativePath});
    }
  }

  /**
   * A (step, value) series of bounded memory: once it holds {@link #CAP} points it drops every
   * other one and from then on keeps only every second (fourth, ...) point logged, always
   * remembering the latest, so that a run of millions of steps costs the report a few hundred
   * kilobytes.
   */
  static final class Series {
    static final int CAP = 20_000;
    long[] steps = new long[64];
    double[] values = new double[64];
    int size;
    long every = 1;
    long seen;
    long latestStep;
    double latestValue;

    void add(long step, double value) {
      latestStep = step;
      latestValue = value;
      if (seen++ % every != 0) {
        return;
      }
      if (size == CAP) {
        for (int i = 0; i < size / 2; i++) {
          steps[i] = steps[2 * i];
          values[i] = values[2 * i];
        }
        size /= 2;
        every *= 2;
        if ((seen - 1) % every != 0) {
          return;
        }
      }
      if (size == steps.length) {
        steps = Arrays.copyOf(steps, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      steps[size] = step;
      values[size] = value;
      size++;
    }

    /** {@code [[step...], [value or null...]]}, thinned to at most {@link #MAX_POINTS}. */
    List<List<Object>> thinned() {
      List<Object> xs = new ArrayList<>();
      List<Object> ys = new ArrayList<>();
      double stride = size <= MAX_POINTS ? 1 : (double) (size - 1) / (MAX_POINTS - 2);
      int last = -1;
      for (int k = 0; k < Math.min(size, MAX_POINTS); k++) {
        int i = (int) Math.round(k * stride);
        if (i == last || i >= size) {
          continue;
        }
        last = i;
        xs.add(steps[i]);
        // JSON has no NaN; null breaks the line in the chart.
        ys.add(Double.isFinite(values[i]) ? values[i] : null);
      }
      if (seen > 0 && (size == 0 || steps[size - 1] != latestStep || last != size - 1)) {
        xs.add(latestStep);
        ys.add(Double.isFinite(latestValue) ? latestValue : null);
      }
      return List.of(xs, ys);
    }
  }

  static String render(
      RunInfo run,
      Map<String, Object> runJson,
      Map<String, Object> config,
      Map<String, Object> summary,
      Data data) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("run", runJson);
    payload.put("config", config);
    payload.put("summary", summary);
    Map<String, Object> metrics = new LinkedHashMap<>();
    data.series.forEach((k, s) -> metrics.put(k, s.thinned()));
    payload.put("metrics", metrics);
    Map<String, Object> images = new LinkedHashMap<>();
    data.images.forEach(
        (k, list) ->
            images.put(
                k, list.subList(Math.max(0, list.size() - MAX_IMAGES_PER_KEY), list.size())));
    payload.put("images", images);
    String json;
    try {
      json = JSON.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      json = "{}";
    }
    // Inside <script>, "</" would end the element early; "<\/" means the same to JSON.
    json = json.replace("</", "<\\/");
    String title = escape(run.name() + " · " + run.project());
    return TEMPLATE.replace("@TITLE@", title).replace("@DATA@", json);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static final String TEMPLATE =
      """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <title>@TITLE@</title>
      <style>
      body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fafafa}
      h1{margin:0 0 4px 0;font-size:22px} h2{font-size:17px;margin:24px 0 8px 0}
      .meta{color:#666;font-size:13px}
      .grid{display:flex;flex-wrap:wrap;gap:16px}
      .card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 10px}
      .card h3{font-size:14px;margin:0 0 4px 0;font-family:monospace}
      table{border-collapse:collapse;background:#fff;font-size:13px}
      td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-family:monospace}
      th{background:#f0f0f0}
      figure{margin:0;display:inline-block;text-align:center;font-size:12px;color:#555}
      figure img{image-rendering:pixelated;max-width:256px;min-width:64px;border:1px solid #ddd}
      .state-running{color:#b58900}.state-finished{color:#2a8f2a}.state-crashed{color:#c0392b}
      </style>
      </head>
      <body>
      <h1 id="title"></h1>
      <div class="meta" id="meta"></div>
      <h2>Metrics</h2>
      <div class="grid" id="charts"></div>
      <div id="images"></div>
      <h2>Summary</h2>
      <div id="summary"></div>
      <h2>Config</h2>
      <div id="config"></div>
      <script type="application/json" id="data">@DATA@</script>
      <script>
      (function () {
        var D = JSON.parse(document.getElementById('data').textContent);
        var NS = 'http://www.w3.org/2000/svg';
        function el(tag, attrs, text) {
          var e = tag.indexOf('svg:') === 0 ? document.createElementNS(NS, tag.slice(4))
                                            : document.createElement(tag);
          for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
          if (text !== undefined) e.textContent = text;
          return e;
        }
        function fmt(v) {
          if (v === null || v === undefined) return '';
          if (typeof v !== 'number') return typeof v === 'object' ? JSON.stringify(v) : String(v);
          if (v === 0) return '0';
          var a = Math.abs(v);
          if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
          return String(Math.round(v * 1e4) / 1e4);
        }
        var r = D.run || {};
        document.getElementById('title').textContent = (r.name || r.id) + ' \\u00b7 ' + (r.project || '');
        var meta = document.getElementById('meta');
        meta.appendChild(document.createTextNode('id ' + r.id + ' \\u00b7 started ' + r.startTime +
            (r.endTime ? ' \\u00b7 ended ' + r.endTime : '') +
            ((r.tags || []).length ? ' \\u00b7 tags ' + r.tags.join(', ') : '') + ' \\u00b7 state '));
        meta.appendChild(el('span', {'class': 'state-' + r.state},
            r.state + (r.exitCode !== null && r.exitCode !== undefined ? ' (exit ' + r.exitCode + ')' : '')));

        function niceTicks(lo, hi, n) {
          if (!(hi > lo)) { hi = lo + 1; lo = lo - 1; }
          var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n)));
          var err = (hi - lo) / n / step;
          if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
          var t = [], v = Math.ceil(lo / step) * step;
          for (; v <= hi + step * 1e-9; v += step) t.push(v);
          return t;
        }
        function chart(name, xs, ys) {
          var W = 420, H = 240, L = 58, R = 12, T = 10, B = 28;
          var svg = el('svg:svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, 'class': 'chart'});
          var xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity, last = null;
          for (var i = 0; i < xs.length; i++) {
            xmin = Math.min(xmin, xs[i]); xmax = Math.max(xmax, xs[i]);
            if (ys[i] !== null) { ymin = Math.min(ymin, ys[i]); ymax = Math.max(ymax, ys[i]); last = ys[i]; }
          }
          if (!isFinite(ymin)) { ymin = 0; ymax = 1; }
          if (xmax === xmin) { xmin -= 1; xmax += 1; }
          if (ymax === ymin) { var d = Math.abs(ymin) * 0.1 || 1; ymin -= d; ymax += d; }
          var pad = (ymax - ymin) * 0.05; ymin -= pad; ymax += pad;
          function px(x) { return L + (x - xmin) / (xmax - xmin) * (W - L - R); }
          function py(y) { return T + (1 - (y - ymin) / (ymax - ymin)) * (H - T - B); }
          niceTicks(ymin, ymax, 5).forEach(function (t) {
            svg.appendChild(el('svg:line', {x1: L, x2: W - R, y1: py(t), y2: py(t), stroke: '#eee'}));
            svg.appendChild(el('svg:text', {x: L - 4, y: py(t) + 4, 'text-anchor': 'end',
                'font-size': 10, fill: '#666'}, fmt(t)));
          });
          niceTicks(xmin, xmax, 5).forEach(function (t) {
            svg.appendChild(el('svg:line', {x1: px(t), x2: px(t), y1: T, y2: H - B, stroke: '#f3f3f3'}));
            svg.appendChild(el('svg:text', {x: px(t), y: H - B + 14, 'text-anchor': 'middle',
                'font-size': 10, fill: '#666'}, fmt(t)));
          });
          svg.appendChild(el('svg:rect', {x: L, y: T, width: W - L - R, height: H - T - B,
              fill: 'none', stroke: '#bbb'}));
          var d = '', pen = false;
          for (var j = 0; j < xs.length; j++) {
            if (ys[j] === null) { pen = false; continue; }
            d += (pen ? 'L' : 'M') + px(xs[j]).toFixed(1) + ' ' + py(ys[j]).toFixed(1);
            pen = true;
          }
          svg.appendChild(el('svg:path', {d: d, fill: 'none', stroke: '#1f77b4', 'stroke-width': 1.5,
              'class': 'series'}));
          if (xs.length === 1 && ys[0] !== null) {
            svg.appendChild(el('svg:circle', {cx: px(xs[0]), cy: py(ys[0]), r: 3, fill: '#1f77b4'}));
          }
          svg.appendChild(el('svg:text', {x: (L + W - R) / 2, y: H - 2, 'text-anchor': 'middle',
              'font-size': 10, fill: '#999'}, 'step'));
          var card = el('div', {'class': 'card'});
          card.appendChild(el('h3', {}, name + (last !== null ? '  (last ' + fmt(last) + ')' : '')));
          card.appendChild(svg);
          return card;
        }
        var charts = document.getElementById('charts');
        var names = Object.keys(D.metrics || {});
        if (!names.length) charts.appendChild(el('p', {}, 'No metrics logged yet.'));
        names.forEach(function (k) { charts.appendChild(chart(k, D.metrics[k][0], D.metrics[k][1])); });

        var imgs = document.getElementById('images');
        Object.keys(D.images || {}).forEach(function (k) {
          imgs.appendChild(el('h2', {}, 'Images: ' + k));
          var g = el('div', {'class': 'grid'});
          D.images[k].forEach(function (p) {
            var f = el('figure');
            f.appendChild(el('img', {src: p[1], alt: k + ' step ' + p[0]}));
            f.appendChild(el('figcaption', {}, 'step ' + p[0]));
            g.appendChild(f);
          });
          imgs.appendChild(g);
        });

        function table(id, obj) {
          var host = document.getElementById(id), keys = Object.keys(obj || {});
          if (!keys.length) { host.appendChild(el('p', {'class': 'meta'}, '(empty)')); return; }
          var t = el('table');
          var h = el('tr'); h.appendChild(el('th', {}, 'key')); h.appendChild(el('th', {}, 'value'));
          t.appendChild(h);
          keys.forEach(function (k) {
            var tr = el('tr');
            tr.appendChild(el('td', {}, k));
            tr.appendChild(el('td', {}, fmt(obj[k])));
            t.appendChild(tr);
          });
          host.appendChild(t);
        }
        table('summary', D.summary);
        table('config', D.config);
      })();
      </script>
      </body>
      </html>
      """;
}
