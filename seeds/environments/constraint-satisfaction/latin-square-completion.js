// Latin square completion: fill the blanks of an n×n grid so every row and column holds 1..n once.
// The givens come from a random Latin square, so a completion always exists; any valid one is accepted.
export default {
  name: "latin-square-completion",
  description: "Complete a partially filled n×n Latin square (each of 1..n exactly once per row and column).",
  tags: ["constraint-satisfaction", "grid", "latin-square"],

  generate(rng, difficulty) {
    const n = 3 + Math.ceil(difficulty / 2);              // 4..8
    const rows = rng.shuffle([...Array(n).keys()]);
    const cols = rng.shuffle([...Array(n).keys()]);
    const syms = rng.shuffle([...Array(n).keys()].map((k) => k + 1));
    // Permuting rows, columns and symbols of the cyclic square keeps it Latin.
    const full = rows.map((r) => cols.map((c) => syms[(r + c) % n]));
    const blankShare = 0.3 + 0.045 * difficulty;           // more blanks = bigger search space
    const cells = rng.shuffle([...Array(n * n).keys()]);
    const blanks = Math.round(blankShare * n * n);
    const grid = full.map((row) => row.slice());
    for (let k = 0; k < blanks; k++) grid[Math.floor(cells[k] / n)][cells[k] % n] = 0;
    // The full square is kept: solve() returns it instead of searching (backtracking over 48 blanks of an
    // 8×8 square overran the deadline on some seeds). verify still accepts any valid completion.
    return { n, grid, full };
  },

  prompt(state) {
    const rows = state.grid.map((r) => r.map((v) => (v ? String(v) : ".")).join(" ")).join("\n");
    return `Complete this ${state.n}×${state.n} Latin square: every row and every column must contain each number from 1 to ${state.n} exactly once. ` +
      `A "." marks an empty cell; the given numbers must stay where they are.\n\n${rows}\n\n` +
      `Answer with the completed grid: ${state.n} lines, each with ${state.n} numbers separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const n = state.n;
    let nums = (answer.match(/\d+/g) || []).map(Number);
    // Also accept rows written without separators ("1234").
    if (nums.length !== n * n) nums = (answer.match(/\d/g) || []).map(Number);
    if (nums.length !== n * n) return 0;
    for (let r = 0; r < n; r++) {
      const rowSeen = new Set(), colSeen = new Set();
      for (let c = 0; c < n; c++) {
        const v = nums[r * n + c], w = nums[c * n + r];
        if (v < 1 || v > n || rowSeen.has(v) || w < 1 || w > n || colSeen.has(w)) return 0;
        rowSeen.add(v); colSeen.add(w);
        if (state.grid[r][c] && state.grid[r][c] !== v) return 0;
      }
    }
    return 1;
  },

  solve(state) {
    return state.full.map((r) => r.join(" ")).join("\n");
  },
};
