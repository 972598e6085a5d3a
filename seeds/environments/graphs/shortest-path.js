// Shortest path in a weighted undirected graph. Dijkstra gives the optimal cost; verify accepts any
// valid path from start to goal with exactly that cost (ties between several shortest paths are fine).
function dijkstra(n, edges, src) {
  const adj = Array.from({ length: n }, () => []);
  for (const [a, b, w] of edges) { adj[a].push([b, w]); adj[b].push([a, w]); }
  const dist = Array(n).fill(Infinity), prev = Array(n).fill(-1), done = Array(n).fill(false);
  dist[src] = 0;
  for (let it = 0; it < n; it++) {                          // O(n^2) is plenty for n <= 25
    let u = -1;
    for (let v = 0; v < n; v++) if (!done[v] && (u < 0 || dist[v] < dist[u])) u = v;
    if (u < 0 || dist[u] === Infinity) break;
    done[u] = true;
    for (const [v, w] of adj[u]) if (dist[u] + w < dist[v]) { dist[v] = dist[u] + w; prev[v] = u; }
  }
  return { dist, prev };
}

export default {
  name: "shortest-path",
  description: "Find a minimum-weight path between two nodes of a weighted undirected graph.",
  tags: ["graphs", "shortest-path", "optimization"],

  generate(rng, difficulty) {
    const n = 5 + 2 * difficulty;                            // 7..25 nodes
    const edges = [], has = new Set();
    const add = (a, b) => {
      const key = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (a === b || has.has(key)) return;
      has.add(key); edges.push([a, b, rng.int(1, 9 + difficulty)]);
    };
    const order = rng.shuffle([...Array(n).keys()]);
    for (let i = 1; i < n; i++) add(order[i], order[rng.int(Math.max(0, i - 3), i - 1)]);   // connected, path-like
    for (let k = 0; k < Math.round(n * 0.8); k++) add(rng.int(0, n - 1), rng.int(0, n - 1));
    return { n, edges, start: order[0], goal: order[n - 1] };
  },

  prompt(state) {
    const list = state.edges.map(([a, b, w]) => `${a + 1}-${b + 1} (${w})`).join(", ");
    return `An undirected graph has nodes 1 to ${state.n}. Its edges, with weights in parentheses: ${list}.\n\n` +
      `Find a path from node ${state.start + 1} to node ${state.goal + 1} with the smallest possible total weight.\n` +
      `Answer with the node numbers along the path, from ${state.start + 1} to ${state.goal + 1}, separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const path = (answer.match(/\d+/g) || []).map((x) => Number(x) - 1);
    if (path.length < 2 || path.length > state.n || path[0] !== state.start || path[path.length - 1] !== state.goal) return 0;
    const weight = new Map();
    for (const [a, b, w] of state.edges) { weight.set(`${a}-${b}`, w); weight.set(`${b}-${a}`, w); }
    let total = 0;
    for (let i = 1; i < path.length; i++) {
      const w = weight.get(`${path[i - 1]}-${path[i]}`);
      if (w === undefined) return 0;
      total += w;
    }
    return total === dijkstra(state.n, state.edges, state.start).dist[state.goal] ? 1 : 0;
  },

  solve(state) {
    const { prev } = dijkstra(state.n, state.edges, state.start);
    const path = [];
    for (let v = state.goal; v >= 0; v = prev[v]) path.unshift(v + 1);
    return path.join(" ");
  },
};
