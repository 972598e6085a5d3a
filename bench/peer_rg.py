"""Reasoning Gym side of bench/peer.ts: a loop over JSON commands on stdin, one JSON reply per line.

  {"op": "gen", "task": NAME, "kw": {...}, "n": N, "seed": S}   -> {"s": seconds to build N entries}
  {"op": "score", "task": NAME, "wrong": bool}                     -> {"s": seconds, "n": N, "ones": count of 1.0}
The entries of the last "gen" per task are kept for "score": correct answers are each entry's own
answer (graph_color has none: its metadata's possible_answer, as JSON), wrong answers are the
next entry's answer.
"""
import json
import sys
import time

import reasoning_gym as rg

entries = {}


def answer_of(task, e):
    if task == "graph_color":
        return json.dumps({str(k): v for k, v in e["metadata"]["possible_answer"].items()})
    return e["answer"]


def main():
    # Replies go to the real stdout; anything the library prints goes to stderr.
    out_stream = sys.stdout
    sys.stdout = sys.stderr
    for line in sys.stdin:
        cmd = json.loads(line)
        task = cmd["task"]
        if cmd["op"] == "gen":
            t = time.perf_counter()
            ds = rg.create_dataset(task, size=cmd["n"], seed=cmd["seed"], **cmd["kw"])
            got = [ds[i] for i in range(cmd["n"])]
            s = time.perf_counter() - t
            entries[task] = (ds, got, [answer_of(task, e) for e in got])
            out = {"s": s}
        else:
            ds, got, answers = entries[task]
            n = len(got)
            use = answers[1:] + answers[:1] if cmd["wrong"] else answers
            t = time.perf_counter()
            ones = 0
            for a, e in zip(use, got):
                if ds.score_answer(a, e) == 1.0:
                    ones += 1
            out = {"s": time.perf_counter() - t, "n": n, "ones": ones}
        out_stream.write(json.dumps(out) + "\n")
        out_stream.flush()


if __name__ == "__main__":
    main()
