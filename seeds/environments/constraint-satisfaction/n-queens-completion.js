// N-queens completion: some queens are already placed; place the rest so no two attack each other.
// Givens are taken from a random full solution, so the puzzle is always solvable.
export default {
  name: "n-queens-completion",
  description: "Complete an n-queens placement on an n×n board given some fixed queens.",
  tags: ["constraint-satisfaction", "chess", "grid"],

  generate(rng, difficulty) {
    const n = 10 + Math.floor(0.8 * difficulty);            // 10..18 (small boards have so few solutions that one fits many instances)
    const cols = [];
    // Occupied columns and diagonals as flags: O(1) per test instead of scanning the placed queens.
    const usedCol = new Uint8Array(n), usedDiag = new Uint8Array(2 * n), usedAnti = new Uint8Array(2 * n);
    const place = (r) => {                                  // randomized backtracking for a random solution
      if (r === n) return true;
      // The free columns of this row, tried in uniformly random order (Fisher-Yates drawn lazily, one
      // swap per try): the same random search as shuffling all n columns, with far fewer draws.
      const free = [];
      for (let c = 0; c < n; c++) if (!usedCol[c] && !usedDiag[r - c + n] && !usedAnti[r + c]) free.push(c);
      for (let i = 0; i < free.length; i++) {
        const j = rng.int(i, free.length - 1), c = free[j];
        free[j] = free[i]; free[i] = c;
        cols.push(c); usedCol[c] = usedDiag[r - c + n] = usedAnti[r + c] = 1;
        if (place(r + 1)) return true;
        cols.pop(); usedCol[c] = usedDiag[r - c + n] = usedAnti[r + c] = 0;
      }
      return false;
    };
    place(0);
    const k = 3 + Math.floor(difficulty / 3);              // a few fixed queens on a growing board
    const rows = rng.shuffle([...Array(n).keys()]).slice(0, k).sort((a, b) => a - b);
    // The full board is kept: solve() returns it instead of searching (verify accepts any completion).
    return { n, given: rows.map((r) => [r + 1, cols[r] + 1]), board: cols.map((c) => c + 1) };     // 1-based [row, column]
  },

  prompt(state) {
    const given = state.given.map(([r, c]) => `row ${r} column ${c}`).join("; ");
    return `Place ${state.n} queens on a ${state.n}×${state.n} chessboard so that no two queens share a row, a column or a diagonal. ` +
      `Rows and columns are numbered 1 to ${state.n}. These queens are already placed and must stay: ${given}.\n\n` +
      `Answer with ${state.n} numbers separated by spaces: the column of the queen in row 1, row 2, ..., row ${state.n}.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const n = state.n;
    const cols = (answer.match(/\d+/g) || []).map(Number);
    if (cols.length !== n) return 0;
    for (let r = 0; r < n; r++) {
      if (cols[r] < 1 || cols[r] > n) return 0;
      for (let q = 0; q < r; q++) if (cols[q] === cols[r] || Math.abs(cols[q] - cols[r]) === r - q) return 0;
    }
    for (const [r, c] of state.given) if (cols[r - 1] !== c) return 0;
    return 1;
  },

  solve(state) {
    return state.board.join(" ");
  },
};
