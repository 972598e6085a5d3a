// Water jugs: bring three unmarked jugs from the amounts they hold to a goal state in the fewest
// fill/empty/pour operations (a random start and a whole-state goal, so the shortest plan is not one of
// the few textbook fill-and-pour sequences). The minimum is found by breadth-first search at
// generation; verify replays the answer and checks it reaches the goal in no more operations than that.
const J = "ABC";
function successors(caps, s) {
  const out = [];
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
// Breadth-first search over jug states from `start`, over integer ids only (mixed radix), with no
// per-state arrays or strings: depth[id] (-1 = unseen), prev[id], and opOf[id] = 16*i + 4*kind + j
// (kind 0 fill i, 1 empty i, 2 pour i into j) to rebuild a plan.
function search(caps, start) {
  const k = caps.length, radix = [], size = caps.reduce((m, c) => { radix.push(m); return m * (c + 1); }, 1);
  const depth = new Int32Array(size).fill(-1), prev = new Int32Array(size), opOf = new Int32Array(size);
  const queue = new Int32Array(size), s = [0, 0, 0];
  let head = 0, tail = 0;
  const from = start.reduce((id, v, i) => id + v * radix[i], 0);
  depth[from] = 0; queue[tail++] = from;
  const visit = (id, to, op) => { if (depth[to] < 0) { depth[to] = depth[id] + 1; prev[to] = id; opOf[to] = op; queue[tail++] = to; } };
  while (head < tail) {
    const id = queue[head++];
    for (let i = 0; i < k; i++) s[i] = Math.floor(id / radix[i]) % (caps[i] + 1);
    for (let i = 0; i < k; i++) {
      if (s[i] < caps[i]) visit(id, id + (caps[i] - s[i]) * radix[i], 16 * i);
      if (s[i] > 0) visit(id, id - s[i] * radix[i], 16 * i + 4);
      for (let j = 0; j < k; j++) if (j !== i && s[i] > 0 && s[j] < caps[j]) {
        const amount = Math.min(s[i], caps[j] - s[j]);
        visit(id, id - amount * radix[i] + amount * radix[j], 16 * i + 8 + j);
      }
    }
  }
  const jug = (id, i) => Math.floor(id / radix[i]) % (caps[i] + 1);
  return { depth, prev, opOf, queue: queue.subarray(0, tail), from, jug, encode: (st) => st.reduce((id, v, i) => id + v * radix[i], 0) };
}
const opName = (op) => {
  const i = op >> 4, kind = (op >> 2) & 3, j = op & 3;
  return kind === 0 ? `fill ${J[i]}` : kind === 1 ? `empty ${J[i]}` : `pour ${J[i]} ${J[j]}`;
};

export default {
  name: "water-jugs",
  description: "Bring three unmarked jugs to an exact goal state using the fewest fill/empty/pour operations.",
  tags: ["algorithmic", "planning", "search"],

  generate(rng, difficulty) {
    // The goal is a whole state (every jug's contents) whose shortest plan is long: 3 operations at
    // difficulty 1 up to 7-9 at 10, with larger jugs. A random start and a whole-state goal give many
    // plan shapes, so no fixed plan fits many instances.
    const want = 3 + Math.floor((difficulty - 1) / 2), hi = 5 + difficulty;
    for (let tries = 0; ; tries++) {
      const caps = [rng.int(3, hi), rng.int(3, hi), rng.int(3, hi)];
      if (new Set(caps).size < 3) continue;
      const start = caps.map((c) => rng.int(0, c));
      const { depth, queue, jug } = search(caps, start);
      const deepest = depth[queue[queue.length - 1]];
      // Accept the deepest plans this start offers when it cannot reach `want` (bounded retries).
      const floor = tries < 8 ? want : Math.min(want, deepest);
      const fits = [];
      for (const id of queue) if (depth[id] >= floor && depth[id] <= floor + 2) fits.push(id);
      if (fits.length === 0) continue;
      const goal = rng.pick(fits);
      return { caps, start, goal: caps.map((_, i) => jug(goal, i)), optimal: depth[goal] };
    }
  },

  prompt(state) {
    const jugs = state.caps.map((c, i) => `${J[i]} holds ${c} liters and now contains ${state.start[i]}`).join("; ");
    return `You have ${state.caps.length} unmarked jugs: ${jugs}. Operations:\n` +
      `- "fill X": fill jug X to the top\n- "empty X": pour jug X out completely\n` +
      `- "pour X Y": pour from X into Y until X is empty or Y is full\n` +
      `Reach the state where ${state.goal.map((v, i) => `${J[i]} contains exactly ${v}`).join(", ")}, using at most ${state.optimal} operations.\n` +
      `Answer with the operations in order, comma-separated, for example: fill A, pour A B, empty B`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const J = "ABC".slice(0, state.caps.length);
    const re = /(fill|empty|pour)\s+(?:jug\s+)?([abc])\b(?:\s*(?:into|to|->|>|,)?\s*(?:jug\s+)?([abc])\b)?/gi;
    const ops = [];
    let m;
    while ((m = re.exec(answer)) !== null) {
      if (ops.length >= state.optimal) return 0;             // longer than the minimum: rejected
      ops.push(m);
    }
    let s = state.start.slice();
    for (const m of ops) {
      const op = m[1].toLowerCase(), i = J.indexOf(m[2].toUpperCase()), j = m[3] ? J.indexOf(m[3].toUpperCase()) : -1;
      if (i < 0 || (op === "pour" && (j < 0 || j === i))) return 0;
      const name = op === "pour" ? `pour ${J[i]} ${J[j]}` : `${op} ${J[i]}`;
      const next = successors(state.caps, s).find(([o]) => o === name);
      if (next) s = next[1];                                 // a no-op (e.g. filling a full jug) changes nothing
    }
    return s.every((v, i) => v === state.goal[i]) ? 1 : 0;
  },

  solve(state) {
    const { prev, opOf, from, encode } = search(state.caps, state.start);
    const ops = [];
    for (let id = encode(state.goal); id !== from; id = prev[id]) ops.push(opName(opOf[id]));
    return ops.reverse().join(", ");
  },
};
