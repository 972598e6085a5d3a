"""Calls examples/resyn_reward.py exactly as verl 0.9.1, TRL 1.16 and OpenRLHF 0.11.2 call their
reward entry points, using each trainer's own installed code where it runs without torch:
- verl: the function is loaded by verl's get_custom_reward_fn (taken from the installed
  verl/trainer/ppo/reward.py; its module imports torch, so the function is compiled alone) with
  verl's load_extern_object and an OmegaConf config, then called with the keyword arguments
  verl's NaiveRewardManager passes; the reward manager names are read from verl's reward-loop
  registry decorators.
- TRL: the call in GRPOTrainer._calculate_rewards is read from the installed source and
  reproduced: every dataset column but prompt as a keyword list, plus the extra keywords TRL adds.
- OpenRLHF: reward_func(queries, prompts, labels) as SingleTurnAgentExecutor calls a .py reward.
Input: argv[1] = the examples folder, argv[2] = a JSONL of {row, response}. Output: JSON rewards.
"""
import ast
import importlib.util
import inspect
import json
import os
import re
import sys
import typing
from functools import partial

from omegaconf import OmegaConf

examples, cases_file = sys.argv[1], sys.argv[2]
cases = [json.loads(line) for line in open(cases_file) if line.strip()]
site = {m: importlib.util.find_spec(m).submodule_search_locations[0] for m in ("verl", "trl", "openrlhf")}
out = {}


def load_file(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# --- verl 0.9.1 ---
reward_py = os.path.join(site["verl"], "trainer", "ppo", "reward.py")
tree = ast.parse(open(reward_py).read())
wanted = {"_call_with_kwargs", "_call_with_kwargs_async", "get_custom_reward_fn"}
fns = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name in wanted]
assert {f.name for f in fns} == wanted, f"verl's reward.py changed: found {[f.name for f in fns]}"
import_utils = load_file("verl_import_utils", os.path.join(site["verl"], "utils", "import_utils.py"))
verl_mod = type(sys)("verl.utils.import_utils")
verl_mod.load_extern_object = import_utils.load_extern_object
for name in ("verl", "verl.utils"):
    sys.modules.setdefault(name, type(sys)(name))
sys.modules["verl.utils.import_utils"] = verl_mod
ns = {"inspect": inspect, "partial": partial, "Optional": typing.Optional, "DictConfig": typing.Any, "RawRewardFn": typing.Any}
exec(compile(ast.Module(body=fns, type_ignores=[]), reward_py, "exec"), ns)
config = OmegaConf.create(
    {"reward": {"custom_reward_function": {"path": os.path.join(examples, "resyn_reward.py"), "name": "compute_score"}, "reward_manager": {"source": "register", "name": "naive"}}}
)
compute_score = ns["get_custom_reward_fn"](config)
registry_dir = os.path.join(site["verl"], "experimental", "reward_loop", "reward_manager")
names = sorted({m for f in os.listdir(registry_dir) if f.endswith(".py") for m in re.findall(r'@register(?:_manager)?\("(\w+)"\)', open(os.path.join(registry_dir, f)).read())})
legacy = open(os.path.join(site["verl"], "trainer", "config", "data", "legacy_data.yaml")).read()
out["verl"] = {
    "reward_managers": names,
    "default_max_prompt_length": int(re.search(r"^max_prompt_length: (\d+)", legacy, re.M).group(1)),
    "rewards": [
        compute_score(
            data_source=c["row"]["data_source"],
            solution_str=c["response"],
            ground_truth=c["row"]["reward_model"]["ground_truth"],
            extra_info={**c["row"]["extra_info"], "num_turns": None, "rollout_reward_scores": {}},
        )
        for c in cases
    ],
}

# --- TRL 1.16 ---
grpo_src = open(os.path.join(site["trl"], "trainer", "grpo_trainer.py")).read()
start = grpo_src.index("    def _calculate_rewards(")
grpo = grpo_src[start : grpo_src.index("\n    def ", start + 10)]
call = re.search(r"output_reward_func = reward_func\(\s*prompts=prompts, completions=completions, completion_ids=completion_ids_list, \*\*reward_kwargs\s*\)", grpo)
assert call, "TRL's GRPOTrainer no longer calls reward_func(prompts=, completions=, completion_ids=, **reward_kwargs)"
assert 'keys = [key for key in inputs[0] if key not in ["prompt", "completion", "completion_ids"]]' in grpo, "TRL changed which columns it passes"
extra = sorted(set(re.findall(r'(?<!\w)reward_kwargs\["(\w+)"\] = ', grpo)))
trl_mod = load_file("resyn_reward_trl", os.path.join(examples, "resyn_reward.py"))
inputs = [c["row"] for c in cases]
keys = [k for k in inputs[0] if k not in ["prompt", "completion", "completion_ids"]]
reward_kwargs = {k: [ex[k] for ex in inputs] for k in keys}
for k in extra:
    reward_kwargs[k] = None
prompts = [ex["prompt"] for ex in inputs]
completions = [[{"role": "assistant", "content": c["response"]}] for c in cases]
completion_ids = [[0] for _ in cases]
out["trl"] = {"extra_kwargs": extra, "rewards": trl_mod.trl_reward(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)}

# --- OpenRLHF 0.11.2 ---
agent = open(os.path.join(site["openrlhf"], "utils", "agent.py")).read()
assert "self.reward_func = reward_module.reward_func" in agent and "asyncio.to_thread(\n                    self.reward_func," in agent, "OpenRLHF changed how it loads a .py reward"
orl = load_file("reward_func", os.path.join(examples, "resyn_reward.py"))
rewards = []
for c in cases:
    prompt = "<|im_start|>user\n" + c["row"]["prompt"][0]["content"] + "<|im_end|>\n<|im_start|>assistant\n"
    info = orl.reward_func([prompt + c["response"]], [prompt], [c["row"]["reward_model"]])
    rewards.append(info["rewards"][0])
out["openrlhf"] = {"rewards": rewards}
print(json.dumps(out))
