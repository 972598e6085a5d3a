#!/usr/bin/env bash
# GRPO with verl 0.9.1 (pip install verl==0.9.1) on a resyn dataset folder, rewards from the
# folder's own verifiers through examples/resyn_reward.py (no registry, no separate service).
#
# verl 0.9's reward loop registers the reward managers naive, dapo, gdpo, rate_limited and
# remote (`batch` is gone from it: an old `reward_model.reward_manager=batch` now fails with
# "Unknown reward manager: batch"). naive calls compute_score once per response from a thread
# pool; resyn_reward.py shares one warm reward service among those threads.
#
# verl's default data.max_prompt_length is 512 tokens; longer prompts are cut or (with
# filter_overlong_prompts) dropped. resyn records every row's prompt tokens in manifest.json,
# so the recipe sets the limit from the dataset (its longest prompt, rounded up to 64).
set -euo pipefail
DATA=$(cd "${1:?usage: $0 DATASET_DIR [extra verl overrides...]}" && pwd)
shift
HERE=$(cd "$(dirname "$0")" && pwd)
MAX_PROMPT=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); t=m['promptLength']['tokens']['max']; print(max(512, -(-t // 64) * 64))" "$DATA/manifest.json")
TRAIN=$(python3 -c "import glob,sys; print('[' + ','.join(sorted(glob.glob(sys.argv[1] + '/train-*.parquet'))) + ']')" "$DATA")
VAL=$(python3 -c "import glob,sys; print('[' + ','.join(sorted(glob.glob(sys.argv[1] + '/validation-*.parquet'))) + ']')" "$DATA")

export RESYN_DATASET="$DATA"
python3 -m verl.trainer.main_ppo \
  algorithm.adv_estimator=grpo \
  data.train_files="$TRAIN" \
  data.val_files="$VAL" \
  data.prompt_key=prompt \
  data.max_prompt_length="$MAX_PROMPT" \
  data.max_response_length=2048 \
  data.filter_overlong_prompts=True \
  data.train_batch_size=64 \
  actor_rollout_ref.model.path=Qwen/Qwen2.5-7B-Instruct \
  actor_rollout_ref.rollout.name=vllm \
  actor_rollout_ref.rollout.n=8 \
  actor_rollout_ref.actor.ppo_mini_batch_size=32 \
  reward.reward_manager.name=naive \
  reward.custom_reward_function.path="$HERE/resyn_reward.py" \
  reward.custom_reward_function.name=compute_score \
  trainer.n_gpus_per_node=8 \
  trainer.nnodes=1 \
  trainer.project_name=resyn \
  trainer.experiment_name="$(basename "$DATA")" \
  "$@"
