#!/usr/bin/env bash
# OpenRLHF 0.11 (pip install openrlhf==0.11.2) with the resyn reward service as its remote reward
# model. OpenRLHF 0.10.2 renamed its flags into groups (--pretrain -> --actor.model_name_or_path,
# --remote_rm_url -> --reward.remote_url, --prompt_data -> --data.prompt_dataset,
# --input_key/--label_key -> --data.input_key/--data.label_key, --advantage_estimator ->
# --algo.advantage.estimator, --n_samples_per_prompt -> --rollout.n_samples_per_prompt,
# --save_path -> --ckpt.output_dir); the old names are rejected by its parser.
#
# OpenRLHF POSTs {"query": [...], "prompts": [...], "labels": [...]} and reads "rewards"; the
# labels are the rows' reward_model column (its ground_truth identifies the instance). Instead of
# the service, --reward.remote_url examples/resyn_reward.py loads reward_func in-process.
set -euo pipefail
DATA=$(cd "${1:?usage: $0 DATASET_DIR}" && pwd)
PORT=${RESYN_REWARDS_PORT:-8765}

resyn serve-rewards --dataset "$DATA" --port "$PORT" &
trap 'kill $!' EXIT

python3 -m openrlhf.cli.train_ppo_ray \
  --actor.model_name_or_path Qwen/Qwen2.5-0.5B-Instruct \
  --reward.remote_url "http://127.0.0.1:$PORT/openrlhf/reward" \
  --data.prompt_dataset "$DATA" \
  --data.input_key prompt \
  --data.label_key reward_model \
  --data.apply_chat_template \
  --data.max_len 4096 \
  --algo.advantage.estimator group_norm \
  --rollout.n_samples_per_prompt 8 \
  --ckpt.output_dir ./checkpoint/resyn-grpo
