"""GRPO with TRL 1.16 (pip install trl==1.16.0) on a resyn dataset folder.

    RESYN_DATASET=.resyn/datasets/NAME python examples/trl_grpo.py

`datasets.load_dataset(<folder>)` reads the folder as is (its README.md declares the splits and
features). `prompt` is a list of chat messages, so TRL treats the dataset as conversational and
applies the model's chat template; TRL passes every other column to the reward function as a
keyword argument, so trl_reward reads reward_model[i]["ground_truth"] and scores with the
verifiers in the folder's environments/ (see resyn_reward.py).
"""
import os
import sys

from datasets import load_dataset
from trl import GRPOConfig, GRPOTrainer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resyn_reward import trl_reward  # noqa: E402

data_dir = os.environ["RESYN_DATASET"]
data = load_dataset(data_dir)
args = GRPOConfig(
    output_dir="out/resyn-grpo",
    num_generations=8,
    max_completion_length=2048,
    per_device_train_batch_size=8,
)
trainer = GRPOTrainer(
    model=os.environ.get("MODEL", "Qwen/Qwen2.5-0.5B-Instruct"),
    reward_funcs=trl_reward,
    args=args,
    train_dataset=data["train"],
    eval_dataset=data.get("validation"),
)
trainer.train()
