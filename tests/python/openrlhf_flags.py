"""Parses the flags of examples/openrlhf_remote_rm.sh with OpenRLHF's own argument parser (the
`if __name__ == "__main__":` block of the installed openrlhf/cli/train_ppo_ray.py up to
parse_args, which only builds the argparse parser) and checks that the pre-0.10.2 flag names are
rejected. argv[1] = the shell script. Output: JSON of the parsed values that matter."""
import argparse
from datetime import datetime
import ast
import importlib.util
import json
import os
import re
import shlex
import sys

site = importlib.util.find_spec("openrlhf").submodule_search_locations[0]
src_file = os.path.join(site, "cli", "train_ppo_ray.py")
tree = ast.parse(open(src_file).read())
main = next(n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))
body = []
for stmt in main.body:
    if "parse_args" in ast.unparse(stmt):
        break
    body.append(stmt)
ns = {"argparse": argparse, "datetime": datetime, "os": os}
exec(compile(ast.Module(body=body, type_ignores=[]), src_file, "exec"), ns)
parser = ns["parser"]

script = open(sys.argv[1]).read().replace("\\\n", " ")
line = next(l for l in script.splitlines() if "openrlhf.cli.train_ppo_ray" in l)
words = shlex.split(line.replace('"$DATA"', "/data/ds").replace("$PORT", "8765"))
flags = words[words.index("openrlhf.cli.train_ppo_ray") + 1 :]
args = parser.parse_args(flags)
config = importlib.util.spec_from_file_location("orl_config", os.path.join(site, "utils", "config.py"))
mod = importlib.util.module_from_spec(config)
config.loader.exec_module(mod)
h = mod.hierarchize(args)

rejected = []
for old in (["--pretrain", "x"], ["--remote_rm_url", "x"], ["--prompt_data", "x"], ["--input_key", "x"], ["--save_path", "x"]):
    try:
        with open(os.devnull, "w") as devnull:
            sys.stderr, saved = devnull, sys.stderr
            try:
                parser.parse_args(old)
            finally:
                sys.stderr = saved
    except SystemExit:
        rejected.append(old[0])
print(json.dumps({
    "flags": len(flags),
    "remote_url": h.reward.remote_url,
    "label_key": h.data.label_key,
    "input_key": h.data.input_key,
    "apply_chat_template": h.data.apply_chat_template,
    "estimator": h.algo.advantage.estimator,
    "n_samples_per_prompt": h.rollout.n_samples_per_prompt,
    "model": h.actor.model_name_or_path,
    "rejected_old_flags": rejected,
}))
