// The k-th permutation in lexicographic order, found with the factorial number system
// (listing permutations by hand is hopeless once there are millions of them).
function kth(state) {
  const pool = state.letters.slice();
  let k = state.k - 1, out = "";
  for (let n = pool.length; n >= 1; n--) {
    let f = 1;
    for (let i = 2; i < n; i++) f *= i;                      // (n-1)! arrangements start with each letter
    const idx = Math.floor(k / f);
    out += pool.splice(idx, 1)[0];
    k %= f;
  }
  return out;
}
export default {
  name: "kth-permutation",
  description: "Find the k-th permutation of a set of letters in lexicographic (dictionary) order.",
  tags: ["combinatorics", "permutations", "counting"],

  generate(rng, difficulty) {
    const n = 3 + difficulty;                                // 4..13 letters (13! < 2^53)
    const letters = rng.shuffle("ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("")).slice(0, n).sort();
    let total = 1;
    for (let i = 2; i <= n; i++) total *= i;
    const k = 1 + Math.floor(rng.float() * total);
    return { letters, k };
  },

  prompt(state) {
    return `List all arrangements of the ${state.letters.length} letters ${state.letters.join(", ")} (each used exactly once) in alphabetical (dictionary) order, ` +
      `numbering them from 1. Which arrangement is number ${state.k}?\nAnswer with the arrangement as one word, e.g. ${state.letters.join("")} for number 1.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const got = answer.toUpperCase().replace(/[\s,\-]+/g, "");
    return got === kth(state) ? 1 : 0;
  },

  solve(state) {
    return kth(state);
  },
};
