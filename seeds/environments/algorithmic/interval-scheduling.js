// Interval scheduling: choose as many pairwise non-overlapping meetings as possible. The optimum count is
// known by the earliest-finish greedy; any selection that is valid and that large is accepted.
function greedy(intervals) {
  // Earliest finishing time first is optimal for unweighted interval scheduling.
  const order = intervals.map((iv, i) => [iv[0], iv[1], i]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const pick = [];
  let free = -Infinity;
  for (const [s, e, i] of order) if (s >= free) { pick.push(i); free = e; }
  return pick;
}
export default {
  name: "interval-scheduling",
  description: "Select a maximum set of non-overlapping time intervals.",
  tags: ["algorithmic", "greedy", "scheduling"],

  generate(rng, difficulty) {
    const n = 10 + 3 * difficulty;                           // 13..40 intervals
    const horizon = 20 + 8 * difficulty;
    const intervals = [];
    for (let i = 0; i < n; i++) {
      const start = rng.int(0, horizon - 2);
      const end = Math.min(horizon, start + rng.int(1, 3 + Math.floor(horizon / 6)));
      intervals.push([start, end]);
    }
    return { intervals };
  },

  prompt(state) {
    const list = state.intervals.map(([s, e], i) => `M${i + 1}: ${s} to ${e}`).join("\n");
    return `Here are ${state.intervals.length} meetings with start and end times:\n${list}\n\n` +
      `Choose as many meetings as possible such that no two chosen meetings overlap. A meeting may start exactly when another one ends.\n` +
      `Answer with the labels of the chosen meetings, comma-separated, for example: M3, M7, M12`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const labels = (answer.match(/\d+/g) || []).map(Number);
    if (labels.length === 0 || new Set(labels).size !== labels.length) return 0;
    if (labels.some((k) => k < 1 || k > state.intervals.length)) return 0;
    const chosen = labels.map((k) => state.intervals[k - 1]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < chosen.length; i++) if (chosen[i][0] < chosen[i - 1][1]) return 0;
    return chosen.length === greedy(state.intervals).length ? 1 : 0;
  },

  solve(state) {
    return greedy(state.intervals).map((i) => `M${i + 1}`).join(", ");
  },
};
