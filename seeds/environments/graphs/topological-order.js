// Topological ordering: schedule tasks so every prerequisite comes first. Many orders are valid;
// verify checks the constraints, not equality with one reference order.
export default {
  name: "topological-order",
  description: "Order tasks so that every 'X before Y' prerequisite is respected.",
  tags: ["graphs", "dag", "scheduling"],

  generate(rng, difficulty) {
    const n = 6 + 2 * difficulty;                            // 8..26 tasks
    const hidden = rng.shuffle([...Array(n).keys()]);        // a valid order the constraints come from
    const edges = [], has = new Set();
    const m = Math.round(n * (1.2 + 0.08 * difficulty));
    while (edges.length < m) {
      let i = rng.int(0, n - 2), j = rng.int(i + 1, Math.min(n - 1, i + 4));
      const key = `${hidden[i]}>${hidden[j]}`;
      if (!has.has(key)) { has.add(key); edges.push([hidden[i], hidden[j]]); }
    }
    return { n, edges: rng.shuffle(edges) };
  },

  prompt(state) {
    const list = state.edges.map(([a, b]) => `T${a + 1} before T${b + 1}`).join("; ");
    return `There are ${state.n} tasks T1..T${state.n}. These constraints must hold: ${list}.\n\n` +
      `Give an order of all ${state.n} tasks that respects every constraint.\nAnswer with the task labels in order, separated by spaces, for example: T3 T1 T2 ...`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const order = (answer.match(/\d+/g) || []).map((x) => Number(x) - 1);
    if (order.length !== state.n || new Set(order).size !== state.n || order.some((t) => t < 0 || t >= state.n)) return 0;
    const pos = [];
    order.forEach((t, i) => { pos[t] = i; });
    return state.edges.every(([a, b]) => pos[a] < pos[b]) ? 1 : 0;
  },

  solve(state) {
    // Kahn's algorithm, always taking the smallest available label.
    const indeg = Array(state.n).fill(0), out = Array.from({ length: state.n }, () => []);
    for (const [a, b] of state.edges) { indeg[b]++; out[a].push(b); }
    const order = [];
    while (order.length < state.n) {
      const t = indeg.findIndex((d, i) => d === 0 && !order.includes(i));
      order.push(t);
      for (const b of out[t]) indeg[b]--;
    }
    return order.map((t) => `T${t + 1}`).join(" ");
  },
};
