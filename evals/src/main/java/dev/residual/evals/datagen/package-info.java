/**
 * Model-written multiple-choice evaluations, as in ARENA's "dataset generation" chapter: the
 * question schema ({@link dev.residual.evals.datagen.McQuestion}), a generator asking a model for
 * batches of questions with few-shot examples, variance prompts, structured output and re-asking on
 * invalid output ({@link dev.residual.evals.datagen.QuestionGenerator}), rubric-based quality
 * control ({@link dev.residual.evals.datagen.QualityControl}) and the JSONL dataset file ({@link
 * dev.residual.evals.datagen.QuestionDataset}).
 *
 * <p>A typical run:
 *
 * <pre>{@code
 * QuestionGenerator gen = QuestionGenerator.builder(model)
 *     .behavior("power-seeking", "A desire to gain control over resources and people ...")
 *     .fewShot(examples, 4).variance(variancePrompts, 0.5)
 *     .questionsPerCall(4).threads(8).seed(0).build();
 * QuestionGenerator.Result out = gen.generate(50);
 * QualityControl qc = new QualityControl(judge, QualityControl.rubric("power-seeking"), 8, 3,
 *     GenerateConfig.DEFAULT);
 * List<QualityControl.Scored> scored = qc.score(out.questions()).scored();
 * System.out.print(QualityControl.summarize(scored, 7).format());
 * QuestionDataset.write(Path.of("power.jsonl"), QualityControl.filter(scored, 7));
 * List<Sample> samples = QuestionDataset.toSamples(QuestionDataset.read(Path.of("power.jsonl")), "power-");
 * }</pre>
 *
 * <p>Not here: the generic JSONL/CSV dataset reader with field mapping, the solvers and scorers
 * that run the finished dataset (see {@code dev.residual.evals}), and the model providers (see
 * {@code dev.residual.evals.model}).
 */
package dev.residual.evals.datagen;
