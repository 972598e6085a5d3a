"""Loads a resyn dataset folder with `datasets.load_dataset(<folder>)` (no other argument) and
prints what it found as JSON, for tests/dataset-folder.test.ts."""
import json
import sys

import datasets

ds = datasets.load_dataset(sys.argv[1])
out = {"version": datasets.__version__, "splits": {k: v.num_rows for k, v in ds.items()}}
train = ds["train"]
out["features"] = {k: str(v) for k, v in train.features.items()}
out["first"] = train[0]
print(json.dumps(out))
