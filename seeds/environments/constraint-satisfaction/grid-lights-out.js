// Lights Out: pressing a cell toggles it and its orthogonal neighbours; find presses that turn every light off.
// The lit pattern comes from random presses, so it is solvable; any press set that works is accepted.
export default {
  name: "grid-lights-out",
  description: "Find a set of presses that turns all lights off on an n×n Lights Out grid.",
  tags: ["constraint-satisfaction", "grid", "linear-algebra"],

  generate(rng, difficulty) {
    const n = 4 + Math.floor((difficulty - 1) / 3);        // 4..7
    const presses = Math.min(n * n - 1, 3 + difficulty);
    for (;;) {
      const grid = Array.from({ length: n }, () => Array(n).fill(0));
      for (const cell of rng.shuffle([...Array(n * n).keys()]).slice(0, presses)) {
        const r = Math.floor(cell / n), c = cell % n;
        for (const [dr, dc] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
          const rr = r + dr, cc = c + dc;
          if (rr >= 0 && rr < n && cc >= 0 && cc < n) grid[rr][cc] ^= 1;
        }
      }
      if (grid.some((row) => row.some((v) => v))) return { n, grid };
    }
  },

  prompt(state) {
    const rows = state.grid.map((r) => r.join(" ")).join("\n");
    return `Lights Out on a ${state.n}×${state.n} grid (1 = light on, 0 = off):\n\n${rows}\n\n` +
      `Pressing a cell toggles that cell and its up, down, left and right neighbours (those inside the grid). ` +
      `Pressing a cell twice cancels out, so each cell is pressed at most once. Find a set of cells to press so that all lights end up off.\n` +
      `Answer with a ${state.n}×${state.n} grid of 0s and 1s (1 = press this cell), one row per line.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const n = state.n;
    const bits = (answer.match(/[01]/g) || []).map(Number);
    if (bits.length !== n * n) return 0;
    const g = state.grid.map((r) => r.slice());
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (bits[r * n + c]) {
      for (const [dr, dc] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const rr = r + dr, cc = c + dc;
        if (rr >= 0 && rr < n && cc >= 0 && cc < n) g[rr][cc] ^= 1;
      }
    }
    return g.every((row) => row.every((v) => v === 0)) ? 1 : 0;
  },

  solve(state) {
    // Gaussian elimination over GF(2): one equation per light, one unknown per press.
    const n = state.n, N = n * n;
    const rows = [];
    for (let i = 0; i < N; i++) {
      const r = Math.floor(i / n), c = i % n, eq = Array(N + 1).fill(0);
      for (const [dr, dc] of [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const rr = r + dr, cc = c + dc;
        if (rr >= 0 && rr < n && cc >= 0 && cc < n) eq[rr * n + cc] = 1;
      }
      eq[N] = state.grid[r][c];
      rows.push(eq);
    }
    const pivotOf = [];
    let row = 0;
    for (let col = 0; col < N && row < N; col++) {
      const p = rows.findIndex((eq, i) => i >= row && eq[col]);
      if (p < 0) continue;
      [rows[row], rows[p]] = [rows[p], rows[row]];
      for (let i = 0; i < N; i++) if (i !== row && rows[i][col]) for (let k = col; k <= N; k++) rows[i][k] ^= rows[row][k];
      pivotOf.push([row, col]);
      row++;
    }
    const x = Array(N).fill(0);                            // free variables stay 0
    for (const [r, col] of pivotOf) x[col] = rows[r][N];
    const out = [];
    for (let r = 0; r < n; r++) out.push(x.slice(r * n, r * n + n).join(" "));
    return out.join("\n");
  },
};
