package dev.residual.examples.gpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.residual.io.Checkpoint;
import dev.residual.transformer.GPT2;
import dev.residual.transformer.GPT2Config;
import dev.residual.transformer.generate.Generation;
import dev.residual.transformer.generate.GenerationConfig;
import dev.residual.transformer.tokenizer.GPT2Tokenizer;
import dev.residual.transformer.tokenizer.Tokenizer;
import dev.residual.transformer.train.DataPrep;
import dev.residual.transformer.train.TrainConfig;
import dev.residual.transformer.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code residual gpt} command group: {@code prepare}, {@code train} and {@code sample}, the
 * three steps of nanoGPT's character-level Shakespeare walkthrough.
 */
@Command(
    name = "gpt",
    mixinStandardHelpOptions = true,
    description = "Prepare data for, train and sample from a GPT (nanoGPT style).",
    subcommands = {GptCommand.Prepare.class, GptCommand.Train.class, GptCommand.Sample.class})
public final class GptCommand implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do. */
  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing a subcommand: prepare, train or sample");
  }

  /** {@code gpt prepare}: tokenizes a text file into {@code train.bin}, {@code val.bin}. */
  @Command(
      name = "prepare",
      mixinStandardHelpOptions = true,
      description = "Tokenize a text file into train.bin / val.bin (90%%/10%%) and meta.json.")
  public static final class Prepare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--input", description = "The text file to tokenize.")
    Path input;

    @Option(
        names = "--dataset",
        description = "A named dataset (shakespeare_char); needs network access, else --input.")
    String dataset;

    @Option(names = "--tokenizer", description = "char or gpt2 (default: ${DEFAULT-VALUE}).")
    DataPrep.TokenizerKind tokenizer = DataPrep.TokenizerKind.CHAR;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      if (input == null) {
        if (dataset == null) {
          throw new ParameterException(spec.commandLine(), "Pass --input FILE (or --dataset)");
        }
        // Downloading needs network access, which this build does not assume; say what to do.
        spec.commandLine()
            .getErr()
            .println(
                "gpt prepare: dataset '"
                    + dataset
                    + "' is not available offline. Download it (for shakespeare_char:"
                    + " https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
                    + "tinyshakespeare/input.txt) and pass it with --input FILE.");
        return 1;
      }
      DataPrep.Summary s = DataPrep.prepare(input, tokenizer, out);
      w.printf(
          Locale.ROOT,
          "vocab size %d, train %d tokens, val %d tokens -> %s%n",
          s.vocabSize(),
          s.trainTokens(),
          s.valTokens(),
          out);
      w.flush();
      return 0;
    }
  }

  /** {@code gpt train}: runs {@link Trainer} with flags for every {@link TrainConfig} setting. */
  @Command(
      name = "train",
      mixinStandardHelpOptions = true,
      description = "Train a GPT (defaults: nanoGPT's CPU baby run on shakespeare_char).")
  public static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", description = "JSON file of TrainConfig settings (flags win).")
    Path configFile;

    @Option(names = "--data", description = "Directory with train.bin, val.bin, meta.json.")
    String data;

    @Option(names = "--out-dir", description = "Checkpoint directory.")
    String outDir;

    @Option(names = "--init-from", description = "scratch, resume or gpt2.")
    TrainConfig.InitFrom initFrom;

    @Option(names = "--hf-dir", description = "Hugging Face GPT-2 directory for --init-from gpt2.")
    String hfDir;

    @Option(names = "--n-layer")
    Integer nLayer;

    @Option(names = "--n-head")
    Integer nHead;

    @Option(names = "--n-embd")
    Integer nEmbd;

    @Option(names = "--block-size")
    Integer blockSize;

    @Option(names = "--bias", arity = "1")
    Boolean bias;

    @Option(names = "--dropout")
    Double dropout;

    @Option(names = "--batch-size")
    Integer batchSize;

    @Option(names = "--grad-accum")
    Integer gradAccum;

    @Option(names = "--max-iters")
    Integer maxIters;

    @Option(names = "--lr")
    Double lr;

    @Option(names = "--min-lr")
    Double minLr;

    @Option(names = "--warmup-iters")
    Integer warmupIters;

    @Option(names = "--lr-decay-iters")
    Integer lrDecayIters;

    @Option(names = "--beta1")
    Double beta1;

    @Option(names = "--beta2")
    Double beta2;

    @Option(names = "--weight-decay")
    Double weightDecay;

    @Option(names = "--grad-clip")
    Double gradClip;

    @Option(names = "--eval-interval")
    Integer evalInterval;

    @Option(names = "--eval-iters")
    Integer evalIters;

    @Option(names = "--log-interval")
    Integer logInterval;

    @Option(names = "--always-save-checkpoint", arity = "1")
    Boolean alwaysSaveCheckpoint;

    @Option(names = "--seed")
    Long seed;

    @Option(names = "--peak-flops", description = "Peak FLOP/s for the MFU estimate.")
    Double peakFlops;

    @Option(names = "--wandb", arity = "1", description = "Log to W&B (needs WANDB_API_KEY).")
    Boolean wandb;

    @Option(names = "--project")
    String project;

    @Option(names = "--run-name")
    String runName;

    @Option(names = "--console", arity = "1", description = "Progress output (default true).")
    Boolean console;

    @Option(names = "--activation", description = "GELU (exact, nanoGPT) or GELU_TANH.")
    GPT2Config.Activation activation;

    @Option(names = "--runs-dir", description = "Root of the local run records (default: runs).")
    String runsDir;

    @Option(
        names = "--profile",
        description =
            "Instead of training, run 10 warm-up steps and N profiled steps and print the time"
                + " per op (nothing is saved).")
    Integer profile;

    /** The config the flags (over the config file, over the defaults) describe. */
    TrainConfig config() throws java.io.IOException {
      Map<String, Object> m = new LinkedHashMap<>();
      if (configFile != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> file = new ObjectMapper().readValue(configFile.toFile(), Map.class);
        m.putAll(file);
      }
      put(m, "dataDir", data);
      put(m, "outDir", outDir);
      put(m, "initFrom", initFrom == null ? null : initFrom.name());
      put(m, "hfDir", hfDir);
      put(m, "nLayer", nLayer);
      put(m, "nHead", nHead);
      put(m, "nEmbd", nEmbd);
      put(m, "blockSize", blockSize);
      put(m, "bias", bias);
      put(m, "dropout", dropout);
      put(m, "batchSize", batchSize);
      put(m, "gradAccum", gradAccum);
      put(m, "maxIters", maxIters);
      put(m, "lr", lr);
      put(m, "minLr", minLr);
      put(m, "warmupIters", warmupIters);
      put(m, "lrDecayIters", lrDecayIters);
      put(m, "beta1", beta1);
      put(m, "beta2", beta2);
      put(m, "weightDecay", weightDecay);
      put(m, "gradClip", gradClip);
      put(m, "evalInterval", evalInterval);
      put(m, "evalIters", evalIters);
      put(m, "logInterval", logInterval);
      put(m, "alwaysSaveCheckpoint", alwaysSaveCheckpoint);
      put(m, "seed", seed);
      put(m, "peakFlops", peakFlops);
      put(m, "wandb", wandb);
      put(m, "project", project);
      put(m, "runName", runName);
      put(m, "console", console);
      put(m, "activation", activation == null ? null : activation.name());
      put(m, "runsDir", runsDir);
      return TrainConfig.fromMap(m);
    }

    private static void put(Map<String, Object> m, String k, Object v) {
      if (v != null) {
        m.put(k, v);
      }
    }

    @Override
    public Integer call() throws Exception {
      TrainConfig c;
      try {
        c = config();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      Trainer trainer = new Trainer(c);
      PrintWriter w = spec.commandLine().getOut();
      if (profile != null) {
        if (profile < 1) {
          throw new ParameterException(spec.commandLine(), "--profile must be at least 1");
        }
        dev.residual.tensor.Profiler prof = trainer.profile(10, profile);
        double ms = prof.elapsedNanos() / 1e6 / profile;
        w.printf(
            Locale.ROOT,
            "profiled %d steps: %.2f ms/step, %.2f GFLOP/step (6N + attention), %.1f GFLOP/s%n",
            profile,
            ms,
            Trainer.flopsPerToken(trainer.modelConfig())
                * c.batchSize()
                * c.gradAccum()
                * trainer.modelConfig().blockSize()
                / 1e9,
            Trainer.flopsPerToken(trainer.modelConfig())
                * c.batchSize()
                * c.gradAccum()
                * trainer.modelConfig().blockSize()
                / (ms * 1e6));
        w.print(prof.table());
        w.flush();
        return 0;
      }
      Trainer.Result r = trainer.train();
      for (Trainer.Eval e : r.evals()) {
        w.printf(
            Locale.ROOT, "step %d: train loss %.4f, val loss %.4f%n", e.iter(), e.train(), e.val());
      }
      w.printf(
          Locale.ROOT,
          "final: train loss %.4f, val loss %.4f (best %.4f); median %.2f ms/iter,"
              + " %.0f tokens/s, MFU %.4f%%%n",
          r.trainLoss(),
          r.valLoss(),
          r.bestValLoss(),
          r.medianMsPerIter(),
          r.tokensPerSecond(),
          100 * r.mfu());
      w.flush();
      return 0;
    }
  }

  /** {@code gpt sample}: generation from a checkpoint or a Hugging Face directory. */
  @Command(
      name = "sample",
      mixinStandardHelpOptions = true,
      description = {
        "Generate text from a training checkpoint (--checkpoint) or a Hugging Face GPT-2",
        "directory (--hf-dir), streaming tokens as they come. Greedy with --temperature 0,",
        "beam search with --num-beams N (and --temperature 0)."
      })
  public static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--checkpoint", description = "Checkpoint directory (from gpt train).")
    Path checkpoint;

    @Option(
        names = "--hf-dir",
        description = "Hugging Face GPT-2 directory (config.json, model.safetensors).")
    Path hfDir;

    @Option(names = "--meta", description = "meta.json (default: the training data's).")
    Path meta;

    @Option(names = "--prompt", description = "Start text (default: a newline).")
    String prompt = "\n";

    @Option(names = "--max-new-tokens", description = "Tokens to generate (default: 200).")
    int maxNewTokens = 200;

    @Option(names = "--num-samples", description = "Sequences to generate (default: 1).")
    int numSamples = 1;

    @Option(names = "--temperature", description = "0 for greedy (default: ${DEFAULT-VALUE}).")
    double temperature = 0.8;

    @Option(names = "--top-k", description = "Keep the k most likely tokens (0: off).")
    int topK;

    @Option(names = "--top-p", description = "Nucleus sampling threshold (1: off).")
    double topP = 1.0;

    @Option(names = "--min-p", description = "Keep tokens with p >= minP * max p (0: off).")
    double minP;

    @Option(names = "--repetition-penalty", description = "CTRL penalty (1: off).")
    double repetitionPenalty = 1.0;

    @Option(names = "--frequency-penalty", description = "Per occurrence (0: off).")
    double frequencyPenalty;

    @Option(names = "--presence-penalty", description = "Once per seen token (0: off).")
    double presencePenalty;

    @Option(names = "--no-repeat-ngram-size", description = "Ban repeated n-grams (0: off).")
    int noRepeatNgramSize;

    @Option(names = "--num-beams", description = "Beam search width (1: no beam search).")
    int numBeams = 1;

    @Option(names = "--length-penalty", description = "Beam score length exponent.")
    double lengthPenalty = 1.0;

    @Option(names = "--early-stopping", description = "TRUE, FALSE or NEVER (beam search).")
    GenerationConfig.EarlyStopping earlyStopping = GenerationConfig.EarlyStopping.FALSE;

    @Option(names = "--stop", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(
        names = "--stop-at-eot",
        arity = "1",
        description = "Stop at <|endoftext|> with the GPT-2 tokenizer (default: true).")
    boolean stopAtEot = true;

    @Option(names = "--seed", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed = 1337;

    @Override
    public Integer call() throws Exception {
      if ((checkpoint == null) == (hfDir == null)) {
        throw new ParameterException(
            spec.commandLine(), "Give exactly one of --checkpoint DIR and --hf-dir DIR");
      }
      GPT2 model;
      Tokenizer tok;
      if (hfDir != null) {
        model = GPT2.fromPretrained(hfDir);
        tok =
            Files.exists(hfDir.resolve("vocab.json"))
                ? GPT2Tokenizer.fromDirectory(hfDir)
                : GPT2Tokenizer.standard();
      } else {
        Checkpoint.Contents ck = Checkpoint.load(checkpoint);
        model = Trainer.modelFrom(ck);
        Path metaFile =
            meta != null ? meta : Path.of(String.valueOf(ck.config().get("dataDir")), "meta.json");
        if (!Files.exists(metaFile)) {
          throw new ParameterException(
              spec.commandLine(), "No tokenizer at " + metaFile + "; pass --meta FILE");
        }
        tok = DataPrep.tokenizer(metaFile);
      }
      GenerationConfig.Builder b =
          GenerationConfig.builder()
              .maxNewTokens(maxNewTokens)
              .temperature(temperature)
              .topK(topK)
              .topP(topP)
              .minP(minP)
              .repetitionPenalty(repetitionPenalty)
              .frequencyPenalty(frequencyPenalty)
              .presencePenalty(presencePenalty)
              .noRepeatNgramSize(noRepeatNgramSize)
              .numBeams(numBeams)
              .lengthPenalty(lengthPenalty)
              .earlyStopping(earlyStopping)
              .numReturnSequences(numSamples)
              .stopStrings(stop)
              .seed(seed);
      if (stopAtEot && tok instanceof GPT2Tokenizer) {
        b.stopTokens(tok.eotToken());
      }
      GenerationConfig cfg;
      try {
        cfg = b.build();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      int[] promptTokens = tok.encode(prompt);
      if (promptTokens.length == 0) {
        throw new ParameterException(spec.commandLine(), "--prompt encodes to no tokens");
      }
      PrintWriter w = spec.commandLine().getOut();
      Generation gen = new Generation(model, tok);
      boolean stream = numSamples == 1 && numBeams == 1 && stop.isEmpty();
      TextStream ts = new TextStream(tok, w);
      if (stream) {
        w.print(prompt);
        w.flush();
      }
      List<Generation.Result> results =
          gen.generate(List.of(promptTokens), cfg, stream ? (s, t) -> ts.add(t) : null);
      if (stream) {
        w.println();
      } else {
        for (int i = 0; i < results.size(); i++) {
          if (results.size() > 1) {
            w.printf(Locale.ROOT, "--- sample %d (score %.4f)%n", i, results.get(i).score());
          }
          w.println(prompt + results.get(i).text());
        }
      }
      w.flush();
      return 0;
    }
  }

  /**
   * Prints decoded text as tokens arrive: decodes everything so far and prints what is new, holding
   * back while the text ends in an incomplete UTF-8 sequence (a byte-level token can carry part of
   * a character).
   */
  static final class TextStream {
    private final Tokenizer tok;
    private final PrintWriter out;
    private final List<Integer> tokens = new ArrayList<>();
    private int printed;

    TextStream(Tokenizer tok, PrintWriter out) {
      this.tok = tok;
      this.out = out;
    }

    void add(int token) {
      tokens.add(token);
      String text = tok.decode(tokens.stream().mapToInt(Integer::intValue).toArray());
      if (text.endsWith("\uFFFD")) {
        return;
      }
      if (text.length() > printed) {
        out.print(text.substring(printed));
        out.flush();
        printed = text.length();
      }
    }
  }
}
