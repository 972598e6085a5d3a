// Water jugs: measure an exact amount with unmarked jugs in the fewest operations. The minimum is found
// by breadth-first search at generation; verify replays the answer and checks it is no longer than that.
function bfs(caps) {
  // Breadth-first search over all jug states from "all empty". States are numbered (mixed radix) so the
  // search needs only flat arrays: depth[id] (-1 = unseen), prev[id] and op[id] to rebuild a plan.
  const size = caps.reduce((k, c) => k * (c + 1), 1);
  const encode = (s) => s.reduceRight((k, v, i) => k * (caps[i] + 1) + v, 0);
  const depth = new Int32Array(size).fill(-1), prev = new Int32Array(size), op = [];
  const start = caps.map(() => 0), queue = [start];
  depth[0] = 0;
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi], id = encode(s);
    for (const [name, next] of successors(caps, s)) {
      const nid = encode(next);
      if (depth[nid] < 0) { depth[nid] = depth[id] + 1; prev[nid] = id; op[nid] = name; queue.push(next); }
    }
  }
  return { queue, depth, prev, op, encode };
}
// Fewest operations after which each amount first stands in some jug: the same BFS as bfs() but over
// integer ids with no per-state arrays or strings (generate() runs it for every candidate), memoised
// per capacity set (a pure function of caps).
const BEST = new Map();
function bestDepths(caps) {
  const key = caps.join(",");
  let best = BEST.get(key);
  if (best) return best;
  const k = caps.length, radix = [], size = caps.reduce((m, c) => { radix.push(m); return m * (c + 1); }, 1);
  const depth = new Int32Array(size).fill(-1), queue = new Int32Array(size), s = [0, 0, 0];
  const firstAt = new Int32Array(Math.max(...caps) + 1).fill(-1);
  let head = 0, tail = 0;
  depth[0] = 0; queue[tail++] = 0;
  const visit = (id, d) => { if (depth[id] < 0) { depth[id] = d; queue[tail++] = id; } };
  while (head < tail) {
    const id = queue[head++], d = depth[id];
    for (let i = 0; i < k; i++) { s[i] = Math.floor(id / radix[i]) % (caps[i] + 1); if (s[i] > 0 && firstAt[s[i]] < 0) firstAt[s[i]] = d; }
    for (let i = 0; i < k; i++) {
      if (s[i] < caps[i]) visit(id + (caps[i] - s[i]) * radix[i], d + 1);
      if (s[i] > 0) visit(id - s[i] * radix[i], d + 1);
      for (let j = 0; j < k; j++) if (j !== i && s[i] > 0 && s[j] < caps[j]) {
        const amount = Math.min(s[i], caps[j] - s[j]);
        visit(id - amount * radix[i] + amount * radix[j], d + 1);
      }
    }
  }
  best = [];
  for (let v = 1; v < firstAt.length; v++) if (firstAt[v] >= 0) best.push([v, firstAt[v]]);
  BEST.set(key, best);
  return best;
}
function successors(caps, s) {
  const out = [], J = "ABC";
  for (let i = 0; i < caps.length; i++) {
    if (s[i] < caps[i]) { const t = s.slice(); t[i] = caps[i]; out.push([`fill ${J[i]}`, t]); }
    if (s[i] > 0) { const t = s.slice(); t[i] = 0; out.push([`empty ${J[i]}`, t]); }
    for (let j = 0; j < caps.length; j++) if (j !== i && s[i] > 0 && s[j] < caps[j]) {
      const t = s.slice(), amount = Math.min(s[i], caps[j] - s[j]);
      t[i] -= amount; t[j] += amount; out.push([`pour ${J[i]} ${J[j]}`, t]);
    }
  }
  return out;
}

export default {
  name: "water-jugs",
  description: "Measure an exact amount of water with unmarked jugs using the fewest fill/empty/pour operations.",
  tags: ["algorithmic", "planning", "search"],

  generate(rng, difficulty) {
    const jugs = difficulty <= 5 ? 2 : 3;
    for (;;) {
      const caps = Array.from({ length: jugs }, () => rng.int(3, jugs === 2 ? 6 + 2 * difficulty : 4 + Math.ceil(difficulty / 2)));
      if (new Set(caps).size < jugs) continue;
      // Shortest plan length for each amount that can appear in some jug.
      const best = new Map(bestDepths(caps));
      for (const c of caps) best.delete(c);                  // "fill X" alone is no puzzle
      if (best.size === 0) continue;
      // Harder = among the amounts that need the longest plans.
      const deepest = Math.max(...best.values());
      const targets = [...best.keys()].filter((v) => best.get(v) >= deepest - (difficulty <= 5 ? 5 - difficulty : 10 - difficulty)).sort((a, b) => a - b);
      if (targets.length === 0 || deepest < 2) continue;
      const target = rng.pick(targets);
      return { caps, target, optimal: best.get(target) };
    }
  },

  prompt(state) {
    const J = "ABC";
    const jugs = state.caps.map((c, i) => `${J[i]} holds ${c} liters`).join(", ");
    return `You have ${state.caps.length} unmarked jugs, all empty at the start: ${jugs}. Operations:\n` +
      `- "fill X": fill jug X to the top\n- "empty X": pour jug X out completely\n` +
      `- "pour X Y": pour from X into Y until X is empty or Y is full\n` +
      `Reach a state where some jug contains exactly ${state.target} liters, using at most ${state.optimal} operations.\n` +
      `Answer with the operations in order, comma-separated, for example: fill A, pour A B, empty B`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const J = "ABC".slice(0, state.caps.length);
    const re = /(fill|empty|pour)\s+([abc])(?:\s*(?:into|to|->|>|,)?\s*([abc])\b)?/gi;
    const ops = [];
    let m;
    while ((m = re.exec(answer)) !== null) {
      if (ops.length >= state.optimal) return 0;             // longer than the minimum: rejected
      ops.push(m);
    }
    let s = state.caps.map(() => 0);
    for (const m of ops) {
      const op = m[1].toLowerCase(), i = J.indexOf(m[2].toUpperCase()), j = m[3] ? J.indexOf(m[3].toUpperCase()) : -1;
      if (i < 0 || (op === "pour" && (j < 0 || j === i))) return 0;
      const name = op === "pour" ? `pour ${J[i]} ${J[j]}` : `${op} ${J[i]}`;
      const next = successors(state.caps, s).find(([o]) => o === name);
      if (next) s = next[1];                                 // a no-op (e.g. filling a full jug) changes nothing
    }
    return s.includes(state.target) ? 1 : 0;
  },

  solve(state) {
    const { queue, prev, op, encode } = bfs(state.caps);
    // The first state in BFS order that holds the target is a nearest one; walk its parents back.
    const goal = queue.find((s) => s.includes(state.target));
    const ops = [];
    for (let id = encode(goal); id !== 0; id = prev[id]) ops.push(op[id]);
    return ops.reverse().join(", ");
  },
};
