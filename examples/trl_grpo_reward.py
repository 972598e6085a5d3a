"""TRL GRPO reward function backed by the resyn reward service.

TRL passes every dataset column to reward functions as keyword arguments, so a resyn dataset
(prompt = chat messages, reward_model = {style, ground_truth}) needs no preprocessing:

    from datasets import load_dataset
    from trl import GRPOConfig, GRPOTrainer
    from trl_grpo_reward import resyn_reward

    data = load_dataset("parquet", data_files={"train": ".resyn/datasets/NAME/train-*.parquet"})["train"]
    trainer = GRPOTrainer(model="Qwen/Qwen2.5-0.5B-Instruct", reward_funcs=resyn_reward,
                          args=GRPOConfig(output_dir="out"), train_dataset=data)
    trainer.train()

Start the service first:  resyn serve-rewards --port 8765
"""
import json
import os
import urllib.request

RESYN_REWARDS_URL = os.environ.get("RESYN_REWARDS_URL", "http://127.0.0.1:8765") + "/v1/rewards"


def _text(completion):
    # Conversational datasets give a list of messages per completion; standard ones a string.
    if isinstance(completion, list):
        return completion[-1]["content"] if completion else ""
    return completion


def resyn_reward(completions, reward_model, **kwargs):
    items = [{"ground_truth": rm["ground_truth"], "response": _text(c)} for c, rm in zip(completions, reward_model)]
    body = json.dumps({"items": items}).encode("utf-8")
    req = urllib.request.Request(RESYN_REWARDS_URL, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return [float(r["reward"]) for r in json.loads(resp.read())["rewards"]]
