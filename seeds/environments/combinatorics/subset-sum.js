// Subset sum: pick some of the numbers so they add up exactly to the target. The target is the sum of a
// hidden subset; verify accepts any sub-multiset with the right sum.
export default {
  name: "subset-sum",
  description: "Choose a subset of the given numbers whose sum is exactly the target.",
  tags: ["combinatorics", "subset-sum", "search"],

  generate(rng, difficulty) {
    const n = 5 + 2 * difficulty;                            // 7..25 numbers
    const nums = Array.from({ length: n }, () => rng.int(2, 15 + 12 * difficulty));
    const pick = rng.shuffle([...Array(n).keys()]).slice(0, rng.int(2, Math.max(3, Math.floor(n / 2))));
    const target = pick.reduce((s, i) => s + nums[i], 0);
    return { nums, target };
  },

  prompt(state) {
    return `Numbers: ${state.nums.join(", ")}.\n\nChoose some of these numbers (each listed number at most once) whose sum is exactly ${state.target}.\n` +
      `Answer with the chosen numbers separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    // "18 + 20 = 38" is the subset 18, 20 with its sum: the part after "=" must be the target.
    const eq = answer.indexOf("=");
    if (eq >= 0 && !(/^\s*(\d+)\s*\.?\s*$/.test(answer.slice(eq + 1)) && Number(answer.slice(eq + 1).trim().replace(/\.$/, "")) === state.target)) return 0;
    const chosen = ((eq >= 0 ? answer.slice(0, eq) : answer).match(/\d+/g) || []).map(Number);
    if (chosen.length === 0) return 0;
    const left = new Map();
    for (const x of state.nums) left.set(x, (left.get(x) || 0) + 1);
    let sum = 0;
    for (const x of chosen) {
      if (!left.get(x)) return 0;                           // not available (or used too often)
      left.set(x, left.get(x) - 1);
      sum += x;
    }
    return sum === state.target ? 1 : 0;
  },

  solve(state) {
    // 0/1 dynamic programming over sums: from[s] = the item that first reached sum s. Sums are visited
    // downwards, so the item before it on the chain always has a smaller index: no item is used twice.
    const T = state.target, from = new Int32Array(T + 1).fill(-1);
    from[0] = state.nums.length;                             // sentinel: sum 0 needs no item
    state.nums.forEach((x, i) => {
      for (let s = T; s >= x; s--) if (from[s] < 0 && from[s - x] >= 0 && from[s - x] !== i) from[s] = i;
    });
    const out = [];
    for (let s = T; s > 0; s -= state.nums[from[s]]) out.push(state.nums[from[s]]);
    return out.reverse().join(" ");
  },
};
