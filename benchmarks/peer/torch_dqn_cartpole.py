#!/usr/bin/env python3
"""Peer for Residual's DQN on CartPole-v1: CleanRL's dqn.py equations in PyTorch 1.13, on a
pure-Python CartPole-v1 written from the same equations as dev.residual.rl.env.classic.CartPole
(Gymnasium's: Euler integration, 12 degree / 2.4 limits, +1 per step, 500-step limit).

  /usr/bin/python3 torch_dqn_cartpole.py --seed 1 --total-timesteps 500000 --threads 1
  /usr/bin/python3 torch_dqn_cartpole.py --sim-only        # raw CartPole steps/s

Prints one JSON line: evaluation returns (10 episodes, epsilon 0.05 as CleanRL), mean, wall
seconds, environment steps per second.
"""
import argparse, json, math, random, time
import torch
import torch.nn as nn
import torch.nn.functional as F


class CartPole:
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def __init__(self, rng):
        self.rng, self.state, self.steps = rng, None, 0

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.steps = 0
        return list(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * theta_dot ** 2 * sin) / self.total_mass
        thetaacc = (self.gravity * sin - cos * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * cos ** 2 / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * cos / self.total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state = [x, x_dot, theta, theta_dot]
        self.steps += 1
        terminated = (x < -self.x_threshold or x > self.x_threshold
                      or theta < -self.theta_threshold or theta > self.theta_threshold)
        truncated = not terminated and self.steps >= 500
        return list(self.state), 1.0, terminated, truncated


class QNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.network = nn.Sequential(nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                                     nn.Linear(84, 2))

    def forward(self, x):
        return self.network(x)


def linear_schedule(start_e, end_e, duration, t):
    return max((end_e - start_e) / duration * t + start_e, end_e)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--total-timesteps", type=int, default=500_000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--sim-only", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    rng = random.Random(a.seed)
    torch.manual_seed(a.seed)
    if a.sim_only:
        env, n, t0 = CartPole(rng), 0, time.time()
        env.reset()
        while time.time() - t0 < 5:
            _, _, term, trunc = env.step(rng.randrange(2))
            n += 1
            if term or trunc:
                env.reset()
        print(json.dumps({"cartpole_steps_per_second": n / (time.time() - t0)}))
        return
    lr, buffer_size, gamma, target_freq, batch = 2.5e-4, 10_000, 0.99, 500, 128
    start_e, end_e, frac, learning_starts, train_freq = 1.0, 0.05, 0.5, 10_000, 10
    q, target = QNetwork(), QNetwork()
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=lr)
    obs_buf = torch.zeros(buffer_size, 4)
    next_buf = torch.zeros(buffer_size, 4)
    act_buf = torch.zeros(buffer_size, 1, dtype=torch.long)
    rew_buf = torch.zeros(buffer_size)
    term_buf = torch.zeros(buffer_size)
    pos, size = 0, 0
    env = CartPole(rng)
    obs = env.reset()
    t0 = time.time()
    for step in range(a.total_timesteps):
        eps = linear_schedule(start_e, end_e, frac * a.total_timesteps, step)
        if rng.random() < eps:
            action = rng.randrange(2)
        else:
            with torch.no_grad():
                action = int(q(torch.tensor(obs).unsqueeze(0)).argmax(1))
        next_obs, r, term, trunc = env.step(action)
        obs_buf[pos] = torch.tensor(obs)
        next_buf[pos] = torch.tensor(next_obs)
        act_buf[pos, 0], rew_buf[pos], term_buf[pos] = action, r, float(term)
        pos, size = (pos + 1) % buffer_size, min(size + 1, buffer_size)
        obs = env.reset() if (term or trunc) else next_obs
        if step > learning_starts:
            if step % train_freq == 0:
                idx = torch.randint(0, size, (batch,))
                with torch.no_grad():
                    target_max = target(next_buf[idx]).max(1).values
                    td_target = rew_buf[idx] + gamma * target_max * (1 - term_buf[idx])
                old_val = q(obs_buf[idx]).gather(1, act_buf[idx]).squeeze(1)
                loss = F.mse_loss(td_target, old_val)
                opt.zero_grad()
                loss.backward()
                opt.step()
            if step % target_freq == 0:
                target.load_state_dict(q.state_dict())
    seconds = time.time() - t0
    returns = []
    env = CartPole(random.Random(a.seed + 100))
    for _ in range(10):
        obs, ret, done = env.reset(), 0.0, False
        while not done:
            if rng.random() < 0.05:
                action = rng.randrange(2)
            else:
                with torch.no_grad():
                    action = int(q(torch.tensor(obs).unsqueeze(0)).argmax(1))
            obs, r, term, trunc = env.step(action)
            ret += r
            done = term or trunc
        returns.append(ret)
    print(json.dumps({"eval_returns": returns, "mean": sum(returns) / len(returns),
                      "seconds": seconds, "steps_per_second": a.total_timesteps / seconds,
                      "threads": a.threads, "seed": a.seed}))


if __name__ == "__main__":
    main()
