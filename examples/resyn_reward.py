"""resyn rewards inside a Python trainer (verl, TRL, OpenRLHF), from a dataset folder alone.

How it calls the JavaScript verifiers: one long-lived Node subprocess per trainer process,
`resyn serve-rewards --dataset DIR --port 0` (it prints its URL on the first stdout line), and
batched HTTP calls to it. Why: the verifiers are JS run in QuickJS sandboxes; a warm service
keeps its sandbox pool and instance-state cache across calls (a `resyn score` subprocess per
call would pay Node + sandbox start-up, ~0.5 s, for every batch), and HTTP lets many threads
(verl runs compute_score in a thread pool) share it. Set RESYN_REWARDS_URL to use a service you
run yourself instead (e.g. one per node); then no subprocess is started.

Environment:
  RESYN_DATASET      the dataset folder (manifest.json + environments/<env_id>.js) — or pass dataset=
  RESYN_REWARDS_URL  an already running service (http://host:port); skips the subprocess
  RESYN_BIN          how to start resyn (default "resyn"; e.g. "node /path/to/resyn/dist/cli/main.js")

Entry points (each with the signature its trainer calls):
  verl      compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs) -> float
            reward.custom_reward_function.path=examples/resyn_reward.py
            reward.custom_reward_function.name=compute_score   reward.reward_manager.name=naive
  TRL       trl_reward(prompts, completions, completion_ids, reward_model, **kwargs) -> list[float]
            GRPOTrainer(reward_funcs=trl_reward, ...)
  OpenRLHF  reward_func(queries, prompts, labels) -> {"rewards", "scores", "extra_logs"}
            --reward.remote_url examples/resyn_reward.py  (OpenRLHF loads reward_func from a .py path)
"""
import atexit
import json
import os
import shlex
import subprocess
import threading
import urllib.request

__all__ = ["ResynRewards", "compute_score", "trl_reward", "reward_func", "default_client"]


class ResynRewards:
    """Scores responses for resyn instances; starts `resyn serve-rewards --dataset DIR` on first use."""

    def __init__(self, dataset=None, url=None, resyn=None, timeout=300.0):
        self.dataset = dataset or os.environ.get("RESYN_DATASET")
        self.url = (url or os.environ.get("RESYN_REWARDS_URL") or "").rstrip("/") or None
        self.resyn = shlex.split(resyn or os.environ.get("RESYN_BIN", "resyn"))
        self.timeout = timeout
        self._proc = None
        self._lock = threading.Lock()

    def _base(self):
        if self.url:
            return self.url
        with self._lock:
            if self.url:
                return self.url
            if not self.dataset:
                raise RuntimeError("resyn_reward: set RESYN_DATASET (a resyn dataset folder) or RESYN_REWARDS_URL")
            manifest = os.path.join(self.dataset, "manifest.json")
            if not os.path.isfile(manifest):
                raise RuntimeError(f"resyn_reward: {manifest} not found; RESYN_DATASET must be a resyn dataset folder")
            cmd = self.resyn + ["serve-rewards", "--dataset", self.dataset, "--port", "0", "--host", "127.0.0.1"]
            self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
            line = self._proc.stdout.readline().strip()
            if not line.startswith("http"):
                code = self._proc.poll()
                raise RuntimeError(f"resyn_reward: `{' '.join(cmd)}` did not print its URL (exit {code}, got {line!r})")
            atexit.register(self.close)
            self.url = line.rstrip("/")
            return self.url

    def score(self, items):
        """items: [{"ground_truth": <row's reward_model.ground_truth>, "response": <full model output>}] -> [{"reward", "reason"}]"""
        if not items:
            return []
        body = json.dumps({"items": items}).encode("utf-8")
        req = urllib.request.Request(self._base() + "/v1/rewards", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            return json.loads(resp.read())["rewards"]

    def close(self):
        proc, self._proc = self._proc, None
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


_client = None
_client_lock = threading.Lock()


def default_client():
    """One client per process (verl and OpenRLHF call the entry points from worker threads)."""
    global _client
    with _client_lock:
        if _client is None:
            _client = ResynRewards()
        return _client


def _ground_truth(label):
    # A row's reward_model dict {style, ground_truth}, or the ground_truth string itself.
    if isinstance(label, dict):
        return label.get("ground_truth")
    return label


def _text(completion):
    # TRL: conversational datasets give a list of messages per completion; standard ones a string.
    if isinstance(completion, list):
        return completion[-1]["content"] if completion else ""
    return completion


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl: reward in [0, 1] for one response; ground_truth is the row's reward_model.ground_truth."""
    return float(default_client().score([{"ground_truth": ground_truth, "response": solution_str}])[0]["reward"])


def trl_reward(prompts, completions, completion_ids=None, reward_model=None, **kwargs):
    """TRL GRPOTrainer: one reward per completion; TRL passes the dataset's columns as keyword arguments."""
    if reward_model is None:
        raise ValueError("trl_reward: the dataset has no reward_model column (use a resyn dataset)")
    items = [{"ground_truth": _ground_truth(rm), "response": _text(c)} for c, rm in zip(completions, reward_model)]
    return [float(r["reward"]) for r in default_client().score(items)]


def reward_func(queries, prompts, labels):
    """OpenRLHF (--reward.remote_url path/to/resyn_reward.py): query = prompt + response, label = the row's reward_model."""
    items = []
    for q, p, label in zip(queries, prompts, labels):
        response = q[len(p):] if q.startswith(p) else q
        items.append({"ground_truth": _ground_truth(label), "response": response})
    rewards = [float(r["reward"]) for r in default_client().score(items)]
    return {"rewards": rewards, "scores": rewards, "extra_logs": {}}
