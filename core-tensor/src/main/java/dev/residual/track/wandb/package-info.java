/**
 * Weights & Biases for {@code dev.residual.track}, spoken over its HTTP API with OkHttp (there is
 * no maintained Java client; the official Python client's protocol is the reference).
 *
 * <ul>
 *   <li>{@link dev.residual.track.wandb.WandbSettings}: key, server, entity, project and mode, from
 *       the {@code WANDB_*} environment variables.
 *   <li>{@link dev.residual.track.wandb.WandbClient}: Basic auth, the GraphQL {@code upsertBucket}
 *       mutation, {@code file_stream}, signed upload URLs, retries with backoff.
 *   <li>{@link dev.residual.track.wandb.WandbSink}: the run's sink, batching on its own thread.
 *   <li>{@link dev.residual.track.wandb.WandbSync}: uploads a local run directory afterwards.
 * </ul>
 *
 * <p>Not here: the {@code Run} API, the local run directory and the console (package {@code
 * dev.residual.track}), charts ({@code dev.residual.plot}), and W&B artifacts, sweeps and system
 * metrics, which Residual does not use.
 */
package dev.residual.track.wandb;
