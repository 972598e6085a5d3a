#!/usr/bin/env bash
# OpenRLHF with the resyn reward service as its remote reward model. OpenRLHF POSTs
# {"query": [...], "prompts": [...], "labels": [...]} and reads "rewards"; the labels are the
# dataset's reward_model column (its ground_truth identifies the instance).
set -euo pipefail
DATA=${1:?usage: $0 DATASET_DIR (e.g. .resyn/datasets/NAME)}

resyn serve-rewards --port 8765 &
trap 'kill $!' EXIT

python3 -m openrlhf.cli.train_ppo_ray \
  --pretrain Qwen/Qwen2.5-0.5B-Instruct \
  --remote_rm_url http://127.0.0.1:8765/openrlhf/reward \
  --prompt_data "$DATA" \
  --input_key prompt --label_key reward_model --apply_chat_template \
  --advantage_estimator group_norm --n_samples_per_prompt 8 \
  --save_path ./checkpoint/resyn-grpo
