/**
 * The code of the GPT-2 walkthrough ({@code docs/gpt2-from-scratch.md}): every Java block in the
 * docs is a {@code // region NAME} ... {@code // endregion} of a class here, so the build compiles
 * it and {@code WalkthroughSnippetsTest} runs it (on a tiny model, in seconds).
 *
 * <p><b>Keeping the docs in sync.</b> A block in the Markdown is preceded by {@code <!-- snippet:
 * dev/residual/examples/walkthrough/Attention.java#scaling -->}. After editing a region, rewrite
 * the docs' blocks from the sources with one command, from the repository root:
 *
 * <pre>
 * ./mvnw -B -q -o -pl examples test -Dspotless.check.skip=true -Dtest=WalkthroughSnippetsTest -Dsnippets.update=true
 * </pre>
 *
 * <p>(or, once compiled, {@code java -cp 'examples/target/classes:examples/target/lib/*'
 * dev.residual.examples.walkthrough.Snippets --write}; without {@code --write} it only checks).
 * Without {@code -Dsnippets.update=true} the test fails on any difference, on a marker naming a
 * missing region, and on a Java block of the walkthrough without a marker.
 *
 * <p><b>The walkthrough's outputs and pictures.</b> The {@code main} of each class prints what the
 * docs quote. Given a checkpoint of the baby model they run on it; with no arguments they use a
 * tiny untrained model (what the tests do). To regenerate everything:
 *
 * <pre>
 * ./residual gpt prepare --input ../shared/data/tinyshakespeare/input.txt --tokenizer char --out /tmp/shk
 * ./residual gpt train --data /tmp/shk --out-dir /tmp/ckpt --runs-dir /tmp/runs --activation GELU --console false
 * CP='examples/target/classes:examples/target/lib/*'
 * java --add-modules jdk.incubator.vector -cp "$CP" dev.residual.examples.walkthrough.Figures \
 *     docs/images /tmp/ckpt /tmp/runs/shakespeare-char/RUN_ID/metrics.jsonl
 * java --add-modules jdk.incubator.vector -cp "$CP" dev.residual.examples.walkthrough.Sampling /tmp/ckpt
 * </pre>
 *
 * <p>and likewise {@code Tokens}, {@code Anatomy}, {@code Attention /tmp/ckpt}, {@code KvCacheDemo
 * /tmp/ckpt} and {@code Training} (which, given {@code DATA_DIR OUT_DIR RUNS_DIR}, runs the baby
 * run itself).
 *
 * <p>Not here: the library code the walkthrough explains ({@code dev.residual.transformer} and
 * below), and the command line ({@code dev.residual.examples.gpt}).
 */
package dev.residual.examples.walkthrough;
