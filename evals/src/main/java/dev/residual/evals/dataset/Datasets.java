package dev.residual.evals.dataset;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.evals.Sample;
import dev.residual.evals.model.ChatMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Reads datasets into {@link Sample}s (inspect's {@code json_dataset} / {@code csv_dataset}).
 *
 * <p>Each record is first read as a {@code Map<String, Object>} (JSON values as Jackson gives them:
 * strings, numbers, booleans, lists, maps; CSV values always strings, keyed by the header row),
 * then mapped by a {@link FieldSpec} or by a lambda:
 *
 * <pre>{@code
 * List<Sample> a =
 *     Datasets.readCsv(path, FieldSpec.of("question", "answer").withChoices("A", "B"));
 * List<Sample> b = Datasets.readJsonl(path, r ->
 *     Sample.of("", "Add: " + r.get("x") + " + " + r.get("y"), String.valueOf(r.get("sum"))));
 * }</pre>
 *
 * A sample whose id is blank gets its 1-based record number as id, so lambdas may leave ids out.
 * Every error is a {@link DatasetException} naming the file, the record's line and the field.
 */
public final class Datasets {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Datasets() {}

  /** One raw record and the line it starts on. */
  private record Rec(int line, Map<String, Object> fields) {}

  // ---- JSON array ----

  /**
   * Reads a JSON file holding an array of objects.
   *
   * @throws DatasetException for malformed JSON, a top level that is not an array, an element that
   *     is not an object, or a field the spec cannot map
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<Sample> readJson(Path file, FieldSpec spec) {
    return map(file.toString(), readJsonRecords(file), fieldMapper(spec));
  }

  /** Reads a JSON array of objects, mapping each record with {@code mapper}. */
  public static List<Sample> readJson(Path file, Function<Map<String, Object>, Sample> mapper) {
    return map(file.toString(), readJsonRecords(file), lambdaMapper(mapper));
  }

  private static List<Rec> readJsonRecords(Path file) {
    String name = file.toString();
    List<Rec> recs = new ArrayList<>();
    try (JsonParser p = MAPPER.createParser(file.toFile())) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_ARRAY) {
        throw new DatasetException(
            name,
            line(p),
            null,
            "expected a JSON array of objects at the top level, got " + t,
            null);
      }
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        int line = line(p);
        if (t != JsonToken.START_OBJECT) {
          throw new DatasetException(
              name, line, null, "array element " + (recs.size() + 1) + " is not an object", null);
        }
        JsonNode node = p.readValueAsTree();
        recs.add(new Rec(line, toMap(node)));
      }
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new DatasetException(
          name,
          loc == null ? 0 : loc.getLineNr(),
          null,
          "malformed JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("dataset " + name + ": cannot read", e);
    }
    return recs;
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }

  // ---- JSONL ----

  /**
   * Reads a JSON Lines file: one object per line; blank lines are skipped.
   *
   * @throws DatasetException for a line that is not a JSON object, or a field the spec cannot map
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<Sample> readJsonl(Path file, FieldSpec spec) {
    return map(file.toString(), readJsonlRecords(file), fieldMapper(spec));
  }

  /** Reads a JSON Lines file, mapping each record with {@code mapper}. */
  public static List<Sample> readJsonl(Path file, Function<Map<String, Object>, Sample> mapper) {
    return map(file.toString(), readJsonlRecords(file), lambdaMapper(mapper));
  }

  private static List<Rec> readJsonlRecords(Path file) {
    String name = file.toString();
    List<String> lines = readLines(file);
    List<Rec> recs = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String s = lines.get(i);
      if (i == 0 && s.startsWith("\uFEFF")) {
        s = s.substring(1);
      }
      if (s.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = MAPPER.readTree(s);
      } catch (JsonProcessingException e) {
        throw new DatasetException(
            name, i + 1, null, "malformed JSON: " + e.getOriginalMessage(), e);
      }
      if (node == null || !node.isObject()) {
        throw new DatasetException(name, i + 1, null, "line is not a JSON object", null);
      }
      recs.add(new Rec(i + 1, toMap(node)));
    }
    return recs;
  }

  // ---- CSV ----

  /**
   * Reads a comma-separated file whose first record is the header (see {@link Csv} for the quoting
   * rules).
   *
   * @throws DatasetException for quoting errors, an empty file, duplicate header names, a record
   *     with a different number of fields than the header, or a field the spec cannot map
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<Sample> readCsv(Path file, FieldSpec spec) {
    return readCsv(file, spec, ',');
  }

  /** {@link #readCsv(Path, FieldSpec)} with another delimiter (e.g. {@code '\t'}). */
  public static List<Sample> readCsv(Path file, FieldSpec spec, char delimiter) {
    return map(file.toString(), readCsvRecords(file, delimiter), fieldMapper(spec));
  }

  /** Reads a CSV file with a header, mapping each record with {@code mapper}. */
  public static List<Sample> readCsv(Path file, Function<Map<String, Object>, Sample> mapper) {
    return map(file.toString(), readCsvRecords(file, ','), lambdaMapper(mapper));
  }

  private static List<Rec> readCsvRecords(Path file, char delimiter) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("dataset " + name + ": cannot read", e);
    }
    List<Csv.Row> rows = Csv.parse(name, text, delimiter);
    if (rows.isEmpty()) {
      throw new DatasetException(name, 0, null, "empty CSV file (no header row)", null);
    }
    List<String> header = rows.get(0).fields();
    for (int a = 0; a < header.size(); a++) {
      for (int b = a + 1; b < header.size(); b++) {
        if (header.get(a).equals(header.get(b))) {
          throw new DatasetException(
              name, rows.get(0).line(), header.get(a), "duplicate column name in header", null);
        }
      }
    }
    List<Rec> recs = new ArrayList<>();
    for (int r = 1; r < rows.size(); r++) {
      Csv.Row row = rows.get(r);
      if (row.fields().size() != header.size()) {
        throw new DatasetException(
            name,
            row.line(),
            null,
            "record has " + row.fields().size() + " fields but the header has " + header.size(),
            null);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        m.put(header.get(c), row.fields().get(c));
      }
      recs.add(new Rec(row.line(), m));
    }
    return recs;
  }

  // ---- by extension / in memory ----

  /**
   * Reads {@code file} by its extension: {@code .json}, {@code .jsonl} (or {@code .ndjson}), {@code
   * .csv} or {@code .tsv}.
   *
   * @throws IllegalArgumentException for any other extension
   */
  public static List<Sample> read(Path file, FieldSpec spec) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
      return readJsonl(file, spec);
    } else if (n.endsWith(".json")) {
      return readJson(file, spec);
    } else if (n.endsWith(".csv")) {
      return readCsv(file, spec);
    } else if (n.endsWith(".tsv")) {
      return readCsv(file, spec, '\t');
    }
    throw new IllegalArgumentException(
        "Datasets.read: "
            + file
            + ": unknown extension (expected .json, .jsonl, .ndjson, .csv, .tsv)");
  }

  /**
   * Maps in-memory records (line numbers in errors are record numbers).
   *
   * @param label a name for error messages
   */
  public static List<Sample> fromRecords(
      String label, List<Map<String, Object>> records, FieldSpec spec) {
    List<Rec> recs = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      recs.add(new Rec(i + 1, records.get(i)));
    }
    return map(label, recs, fieldMapper(spec));
  }

  /**
   * Each sample with its choices shuffled and its targets remapped ({@link ChoiceShuffle}). The
   * order of a sample depends only on {@code seed} and its id, so the same seed gives the same
   * dataset on every run. The original position of each option is kept in metadata under {@code
   * "choice_order"} (a list of 0-based indices).
   */
  public static List<Sample> shuffleChoices(List<Sample> samples, long seed) {
    List<Sample> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      if (s.choices().size() < 2) {
        out.add(s);
        continue;
      }
      Random rnd = ChoiceShuffle.random(seed, s.id());
      ChoiceShuffle.Result r = ChoiceShuffle.shuffle(s.choices(), s.targets(), rnd);
      Map<String, Object> md = new LinkedHashMap<>(s.metadata());
      List<Integer> order = new ArrayList<>();
      for (int k : r.order()) {
        order.add(k);
      }
      md.put("choice_order", List.copyOf(order));
      out.add(new Sample(s.input(), r.choices(), r.targets(), s.id(), md));
    }
    return out;
  }

  // ---- mapping ----

  private interface RecordMapper {
    Sample map(String file, Rec rec, int index);
  }

  private static List<Sample> map(String file, List<Rec> recs, RecordMapper m) {
    List<Sample> out = new ArrayList<>(recs.size());
    for (int i = 0; i < recs.size(); i++) {
      out.add(m.map(file, recs.get(i), i + 1));
    }
    return out;
  }

  private static RecordMapper lambdaMapper(Function<Map<String, Object>, Sample> f) {
    return (file, rec, index) -> {
      Sample s;
      try {
        s = f.apply(rec.fields());
      } catch (DatasetException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new DatasetException(file, rec.line(), null, "mapping failed: " + e, e);
      }
      if (s == null) {
        throw new DatasetException(file, rec.line(), null, "mapping returned null", null);
      }
      if (s.id().isBlank()) {
        s = new Sample(s.input(), s.choices(), s.targets(), String.valueOf(index), s.metadata());
      }
      return s;
    };
  }

  private static RecordMapper fieldMapper(FieldSpec spec) {
    return (file, rec, index) -> {
      Map<String, Object> r = rec.fields();
      int line = rec.line();
      if (!r.containsKey(spec.input()) || r.get(spec.input()) == null) {
        throw new DatasetException(file, line, spec.input(), "input field is missing", null);
      }
      List<ChatMessage> input = input(file, line, spec.input(), r.get(spec.input()));
      List<String> targets = new ArrayList<>();
      if (spec.target() != null) {
        Object t = r.get(spec.target());
        if (!r.containsKey(spec.target())) {
          throw new DatasetException(file, line, spec.target(), "target field is missing", null);
        }
        if (t instanceof List<?> l) {
          for (Object o : l) {
            targets.add(scalar(file, line, spec.target(), o));
          }
        } else if (t != null) {
          targets.add(scalar(file, line, spec.target(), t));
        }
      }
      List<String> choices = new ArrayList<>();
      if (spec.choices().size() == 1 && r.get(spec.choices().get(0)) instanceof List<?> l) {
        for (Object o : l) {
          choices.add(scalar(file, line, spec.choices().get(0), o));
        }
      } else {
        for (String f : spec.choices()) {
          Object o = r.get(f);
          if (o != null && !(o instanceof String str && str.isEmpty())) {
            choices.add(scalar(file, line, f, o));
          }
        }
      }
      String id = String.valueOf(index);
      if (spec.id() != null) {
        Object o = r.get(spec.id());
        if (o == null || String.valueOf(o).isBlank()) {
          throw new DatasetException(file, line, spec.id(), "id field is missing or blank", null);
        }
        id = scalar(file, line, spec.id(), o);
      }
      Map<String, Object> md = new LinkedHashMap<>();
      for (String f : spec.metadata()) {
        Object o = r.get(f);
        if (o != null) {
          md.put(f, o);
        }
      }
      return new Sample(input, choices, targets, id, md);
    };
  }

  private static List<ChatMessage> input(String file, int line, String field, Object v) {
    if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        throw new DatasetException(file, line, field, "input message list is empty", null);
      }
      List<ChatMessage> msgs = new ArrayList<>();
      for (int k = 0; k < l.size(); k++) {
        if (!(l.get(k) instanceof Map<?, ?> m)
            || !(m.get("role") instanceof String role)
            || !(m.get("content") instanceof String content)) {
          throw new DatasetException(
              file,
              line,
              field,
              "message " + (k + 1) + " must be an object with string 'role' and 'content'",
              null);
        }
        msgs.add(
            switch (role) {
              case "system" -> ChatMessage.system(content);
              case "user" -> ChatMessage.user(content);
              case "assistant" -> ChatMessage.assistant(content);
              default ->
                  throw new DatasetException(
                      file,
                      line,
                      field,
                      "message "
                          + (k + 1)
                          + " has role '"
                          + role
                          + "' (expected system, user or assistant)",
                      null);
            });
      }
      return msgs;
    }
    return List.of(ChatMessage.user(scalar(file, line, field, v)));
  }

  private static String scalar(String file, int line, String field, Object o) {
    if (o instanceof String s) {
      return s;
    }
    if (o instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (o instanceof Number || o instanceof Boolean) {
      return String.valueOf(o);
    }
    throw new DatasetException(
        file,
        line,
        field,
        "expected a string or number, got " + (o == null ? "null" : o.getClass().getSimpleName()),
        null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toMap(JsonNode node) {
    return MAPPER.convertValue(node, LinkedHashMap.class);
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("dataset " + file + ": cannot read", e);
    }
  }
}
