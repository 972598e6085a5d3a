// Maximum bipartite matching: assign workers to jobs they can do, as many pairs as possible.
// The maximum size comes from augmenting paths (Kuhn); any valid matching of that size is accepted.
function maxMatching(state) {
  const matchJob = Array(state.jobs).fill(-1);
  const tryWorker = (w, seen) => {
    for (const j of state.can[w]) {
      if (seen[j]) continue;
      seen[j] = true;
      if (matchJob[j] < 0 || tryWorker(matchJob[j], seen)) { matchJob[j] = w; return true; }
    }
    return false;
  };
  for (let w = 0; w < state.can.length; w++) tryWorker(w, Array(state.jobs).fill(false));
  return matchJob;
}

export default {
  name: "bipartite-matching",
  description: "Assign workers to jobs they are qualified for, maximizing the number of assignments.",
  tags: ["graphs", "matching", "optimization"],

  generate(rng, difficulty) {
    const workers = 5 + difficulty, jobs = 5 + difficulty;  // 6..15 on each side
    const can = Array.from({ length: workers }, () => {
      const k = rng.int(1, Math.min(jobs, 3));
      return rng.shuffle([...Array(jobs).keys()]).slice(0, k).sort((a, b) => a - b);
    });
    return { jobs, can };
  },

  prompt(state) {
    const list = state.can.map((js, w) => `W${w + 1} can do ${js.map((j) => `J${j + 1}`).join(", ")}`).join("\n");
    return `There are ${state.can.length} workers and ${state.jobs} jobs. Each worker can take at most one job and each job at most one worker.\n${list}\n\n` +
      `Assign workers to jobs they can do so that as many jobs as possible are taken.\n` +
      `Answer with the assigned pairs, comma-separated, each as worker-job, for example: W1-J3, W2-J1`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const re = /W\s*(\d+)\s*(?:-|:|->|→|=)?\s*J\s*(\d+)/gi;
    const usedW = new Set(), usedJ = new Set();
    let m;
    while ((m = re.exec(answer)) !== null) {
      const w = Number(m[1]) - 1, j = Number(m[2]) - 1;
      if (!state.can[w] || !state.can[w].includes(j) || usedW.has(w) || usedJ.has(j)) return 0;
      usedW.add(w); usedJ.add(j);
    }
    const best = maxMatching(state).filter((w) => w >= 0).length;
    return usedW.size === best ? 1 : 0;
  },

  solve(state) {
    return maxMatching(state).map((w, j) => (w >= 0 ? [w, j] : null)).filter(Boolean)
      .sort((a, b) => a[0] - b[0]).map(([w, j]) => `W${w + 1}-J${j + 1}`).join(", ");
  },
};
