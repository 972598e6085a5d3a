// 0/1 knapsack: reach the best total value within a weight limit. The optimum is computed by DP;
// verify accepts any item set that fits and reaches it.
function best(state) {
  const W = state.capacity, dp = Array(W + 1).fill(0), take = [];
  state.items.forEach(([w, v], i) => {
    take[i] = Array(W + 1).fill(false);
    for (let c = W; c >= w; c--) if (dp[c - w] + v > dp[c]) { dp[c] = dp[c - w] + v; take[i][c] = true; }
  });
  const chosen = [];
  for (let i = state.items.length - 1, c = W; i >= 0; i--) if (take[i][c]) { chosen.push(i); c -= state.items[i][0]; }
  return { value: dp[W], chosen: chosen.reverse() };
}

// best(state).value with one DP row and no choice table (generate needs only the value).
function bestValue(state) {
  const W = state.capacity, dp = new Float64Array(W + 1);
  for (const item of state.items) {
    const w = item[0], v = item[1];
    for (let c = W; c >= w; c--) if (dp[c - w] + v > dp[c]) dp[c] = dp[c - w] + v;
  }
  return dp[W];
}

export default {
  name: "knapsack-optimum",
  description: "Pick items of maximum total value whose total weight stays within the capacity.",
  tags: ["combinatorics", "knapsack", "optimization"],

  generate(rng, difficulty) {
    const n = 7 + 2 * difficulty;                            // 9..27 items
    const items = Array.from({ length: n }, () => [rng.int(1, 8 + 3 * difficulty), rng.int(1, 10 + 4 * difficulty)]);
    const total = items.reduce((s, [w]) => s + w, 0);
    const state = { items, capacity: Math.max(2, Math.floor(total * (0.25 + 0.2 * rng.float()))) };
    return { ...state, optimum: bestValue(state) };         // stored: verify needs no DP per answer
  },

  prompt(state) {
    const list = state.items.map(([w, v], i) => `item ${i + 1}: weight ${w}, value ${v}`).join("\n");
    return `A knapsack holds a total weight of at most ${state.capacity}.\n${list}\n\n` +
      `Choose items (each at most once) with the largest possible total value whose total weight is at most ${state.capacity}.\n` +
      `Answer with the item numbers you choose, separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const ids = (answer.match(/\d+/g) || []).map((x) => Number(x) - 1);
    if (ids.length === 0 || new Set(ids).size !== ids.length || ids.some((i) => i < 0 || i >= state.items.length)) return 0;
    const w = ids.reduce((s, i) => s + state.items[i][0], 0), v = ids.reduce((s, i) => s + state.items[i][1], 0);
    return w <= state.capacity && v === state.optimum ? 1 : 0;
  },

  solve(state) {
    return best(state).chosen.map((i) => i + 1).join(" ");
  },
};
