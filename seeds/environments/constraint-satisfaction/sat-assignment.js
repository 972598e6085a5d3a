// 3-SAT: find a truth assignment satisfying every clause. Clauses are drawn around a hidden (planted)
// assignment so the formula is satisfiable; any satisfying assignment is accepted.
export default {
  name: "sat-assignment",
  description: "Find a satisfying assignment for a random satisfiable 3-CNF formula.",
  tags: ["constraint-satisfaction", "logic", "sat"],

  generate(rng, difficulty) {
    const n = 10 + Math.floor(1.3 * difficulty);            // 11..23 variables
    const m = Math.round(4.2 * n);                          // near the hard ratio for 3-SAT
    const planted = Array.from({ length: n }, () => rng.int(0, 1));
    const clauses = [];
    while (clauses.length < m) {
      // Three distinct variables, uniformly (rejection: 3-4 draws instead of shuffling all n).
      const v1 = rng.int(0, n - 1);
      let v2 = rng.int(0, n - 1); while (v2 === v1) v2 = rng.int(0, n - 1);
      let v3 = rng.int(0, n - 1); while (v3 === v1 || v3 === v2) v3 = rng.int(0, n - 1);
      const vars = [v1, v2, v3];
      const lits = [];
      // Keep clauses that both the planted assignment and its complement satisfy ("2-hidden"): plain
      // planting leans the formula towards the planted values, so one fixed assignment fits many formulas.
      let agrees = false, disagrees = false;
      for (let k = 0; k < 3; k++) {
        const v = vars[k], positive = rng.int(0, 1) === 1;
        lits.push(positive ? v + 1 : -(v + 1));
        if (positive === (planted[v] === 1)) agrees = true; else disagrees = true;
      }
      if (agrees && disagrees) clauses.push(lits);
    }
    return { n, clauses };
  },

  prompt(state) {
    const lit = (l) => (l > 0 ? "x" + l : "NOT x" + -l);
    let text = "";
    for (const c of state.clauses) {
      let line = "(";
      for (let k = 0; k < c.length; k++) line += (k ? " OR " : "") + lit(c[k]);
      text += (text ? "\n" : "") + line + ")";
    }
    return `Find true/false values for the variables x1..x${state.n} that make every one of these clauses true ` +
      `(a clause is true when at least one of its parts is true):\n\n${text}\n\n` +
      `Answer with every variable and its value, comma-separated, like: x1=T, x2=F, x3=T (T = true, F = false).`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const value = Array(state.n + 1).fill(-1);
    const re = /x\s*(\d+)\s*[=:]\s*(true|false|t|f|1|0)/gi;
    let m;
    while ((m = re.exec(answer)) !== null) {
      const c = m[2][0], i = Number(m[1]), v = c === "t" || c === "T" || c === "1" ? 1 : 0;
      if (i < 1 || i > state.n) return 0;
      if (value[i] !== -1) return 0;                         // each variable exactly once
      value[i] = v;
    }
    for (let i = 1; i <= state.n; i++) if (value[i] === -1) return 0;
    for (const c of state.clauses) {
      let sat = false;
      for (let k = 0; k < c.length && !sat; k++) { const l = c[k]; sat = l > 0 ? value[l] === 1 : value[-l] === 0; }
      if (!sat) return 0;
    }
    return 1;
  },

  solve(state) {
    // DPLL: unit propagation plus branching on the first unassigned variable.
    const n = state.n, val = Array(n + 1).fill(-1);
    const litVal = (l) => (val[Math.abs(l)] < 0 ? -1 : (val[Math.abs(l)] === 1) === (l > 0) ? 1 : 0);
    const dpll = () => {
      const trail = [];
      for (let changed = true; changed;) {
        changed = false;
        for (const c of state.clauses) {
          let free = 0, last = 0, sat = false;
          for (const l of c) { const v = litVal(l); if (v === 1) { sat = true; break; } if (v < 0) { free++; last = l; } }
          if (sat) continue;
          if (free === 0) { for (const t of trail) val[t] = -1; return false; }
          if (free === 1) { val[Math.abs(last)] = last > 0 ? 1 : 0; trail.push(Math.abs(last)); changed = true; }
        }
      }
      const v = val.findIndex((x, i) => i > 0 && x < 0);
      if (v < 0) return true;
      for (const b of [1, 0]) { val[v] = b; if (dpll()) return true; }
      val[v] = -1;
      for (const t of trail) val[t] = -1;
      return false;
    };
    dpll();
    const out = [];
    for (let i = 1; i <= n; i++) out.push(`x${i}=${val[i] === 1 ? "T" : "F"}`);
    return out.join(", ");
  },
};
