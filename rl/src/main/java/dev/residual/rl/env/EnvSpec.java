package dev.residual.rl.env;

import java.util.function.Supplier;

/**
 * A registered environment (Gymnasium's {@code EnvSpec}, the parts Residual uses).
 *
 * @param id the name given to {@link Envs#make(String)}, e.g. {@code "CartPole-v1"}
 * @param factory builds a fresh, unwrapped environment
 * @param maxEpisodeSteps the {@link dev.residual.rl.env.wrappers.TimeLimit} applied by {@code
 *     make}, or null for none
 * @param rewardThreshold the mean return at which the task counts as solved, or null if undefined
 */
public record EnvSpec(
    String id,
    Supplier<? extends Env<?, ?>> factory,
    Integer maxEpisodeSteps,
    Double rewardThreshold) {}
