// Graph k-coloring with a hidden (planted) coloring, so a solution exists. Any proper coloring is accepted.
export default {
  name: "graph-coloring",
  description: "Color the vertices of a graph with k colors so that no edge joins two vertices of the same color.",
  tags: ["graphs", "coloring", "constraint-satisfaction"],

  generate(rng, difficulty) {
    const n = 11 + Math.floor(1.5 * difficulty);             // 12..26 vertices
    const k = difficulty <= 6 ? 3 : 4;
    const color = Array.from({ length: n }, (_, i) => (i < k ? i : rng.int(0, k - 1)));
    const p = Math.min(0.6, (k === 3 ? 2.4 : 4.2) / n * 1.6);  // dense enough to constrain
    const edges = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (color[a] !== color[b] && rng.float() < p) edges.push([a, b]);
    // Relabel vertices so the planted classes are not visible in the numbering.
    const label = rng.shuffle([...Array(n).keys()]);
    return { n, k, edges: rng.shuffle(edges.map(([a, b]) => (label[a] < label[b] ? [label[a], label[b]] : [label[b], label[a]]))) };
  },

  prompt(state) {
    const list = state.edges.map(([a, b]) => `${a + 1}-${b + 1}`).join(", ");
    return `A graph has vertices 1 to ${state.n} and these edges: ${list}.\n\n` +
      `Assign each vertex one of the colors 1 to ${state.k} so that the two ends of every edge have different colors.\n` +
      `Answer with the colors of vertices 1, 2, ..., ${state.n} in order, separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    let col = (answer.match(/\d+/g) || []).map(Number);
    // Also "1: 2, 2: 1, ..." / "vertex 1 = 2" (vertex: color pairs, any order, each vertex once).
    const pairs = [...answer.matchAll(/(\d+)\s*[:=]\s*(\d+)/g)];
    if (pairs.length === state.n && pairs.length * 2 === col.length) {
      col = Array(state.n).fill(0);
      for (const [, v, c] of pairs) { const i = Number(v) - 1; if (i < 0 || i >= state.n || col[i]) return 0; col[i] = Number(c); }
    }
    if (col.length !== state.n || col.some((c) => c < 1 || c > state.k)) return 0;
    return state.edges.every(([a, b]) => col[a] !== col[b]) ? 1 : 0;
  },

  solve(state) {
    // DSATUR backtracking: always color the vertex with the most distinct neighbour colors next.
    const adj = Array.from({ length: state.n }, () => []);
    for (const [a, b] of state.edges) { adj[a].push(b); adj[b].push(a); }
    const col = Array(state.n).fill(0);
    const go = (left) => {
      if (left === 0) return true;
      let v = -1, vSat = -1;
      for (let u = 0; u < state.n; u++) if (!col[u]) {
        const sat = new Set(adj[u].map((x) => col[x]).filter(Boolean)).size;
        if (sat > vSat || (sat === vSat && adj[u].length > adj[v].length)) { v = u; vSat = sat; }
      }
      for (let c = 1; c <= state.k; c++) {
        if (adj[v].some((u) => col[u] === c)) continue;
        col[v] = c;
        if (go(left - 1)) return true;
      }
      col[v] = 0;
      return false;
    };
    go(state.n);
    return col.join(" ");
  },
};
