"""verl custom reward function backed by the resyn reward service.

Start the service next to the trainer:  resyn serve-rewards --port 8765
Then, in the verl config:
    custom_reward_function.path=examples/verl_reward.py
    custom_reward_function.name=compute_score
(or, with reward_model.reward_manager=batch, name=compute_score_batch: one HTTP call per batch).
"""
import json
import os
import urllib.request

RESYN_REWARDS_URL = os.environ.get("RESYN_REWARDS_URL", "http://127.0.0.1:8765") + "/v1/rewards"


def _post(items, timeout=120):
    body = json.dumps({"items": items}).encode("utf-8")
    req = urllib.request.Request(RESYN_REWARDS_URL, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())["rewards"]


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """Reward in [0, 1] for one response; ground_truth is the row's reward_model.ground_truth."""
    return float(_post([{"ground_truth": ground_truth, "response": solution_str}])[0]["reward"])


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """verl's BatchRewardManager calls this once per batch."""
    items = [{"ground_truth": g, "response": s} for s, g in zip(solution_strs, ground_truths)]
    return [float(r["reward"]) for r in _post(items)]
