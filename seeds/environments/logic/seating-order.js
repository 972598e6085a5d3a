// Seating order: people sit in a row of numbered seats; clues are added until exactly one order fits.
// Verify checks the clues themselves, so it would accept any order that satisfies them all.
const NAMES = ["Ana", "Ben", "Cleo", "Dan", "Emma", "Finn", "Gus", "Hana", "Ivy", "Jon", "Kai", "Lena", "Milo", "Nora"];

function holds(c, pos) {                                    // pos[person] = seat index 0..n-1
  const [kind, a, b, x] = c;
  switch (kind) {
    case "left": return pos[a] < pos[b];
    case "next": return Math.abs(pos[a] - pos[b]) === 1;
    case "notnext": return Math.abs(pos[a] - pos[b]) !== 1;
    case "right-after": return pos[a] === pos[b] + 1;
    case "seat": return pos[a] === b;
    case "notseat": return pos[a] !== b;
    case "between": return (pos[b] < pos[a] && pos[a] < pos[x]) || (pos[x] < pos[a] && pos[a] < pos[b]);
    case "gap": return Math.abs(pos[a] - pos[b]) === x;
  }
  return false;
}
function say(c, names) {
  const [kind, a, b, x] = c, A = names[a], B = names[b];
  switch (kind) {
    case "left": return `${A} sits somewhere to the left of ${B}.`;
    case "next": return `${A} sits next to ${B}.`;
    case "notnext": return `${A} does not sit next to ${B}.`;
    case "right-after": return `${A} sits immediately to the right of ${B}.`;
    case "seat": return `${A} sits in seat ${b + 1}.`;
    case "notseat": return `${A} does not sit in seat ${b + 1}.`;
    case "between": return `${A} sits somewhere between ${B} and ${names[x]}.`;
    case "gap": return `There are exactly ${x - 1} people between ${A} and ${B}.`;
  }
  return "";
}
// All orders of n people, flat (perm i = FLAT[n][i*n .. i*n+n)), written straight into one typed
// array by Heap's algorithm (no per-order arrays): generate() filters candidate indices, and at 7
// people this table is most of an instance's cost (module state does not outlive a call).
const FLAT = {};
function flatPermutations(n) {
  if (FLAT[n]) return FLAT[n];
  let total = 1;
  for (let i = 2; i <= n; i++) total *= i;
  const f = new Int8Array(total * n), p = new Int8Array(n), c = new Int8Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  f.set(p, 0);
  let at = n, i = 1;
  while (i < n) {                                            // iterative Heap's algorithm
    if (c[i] < i) {
      const j = i % 2 ? c[i] : 0, t = p[j]; p[j] = p[i]; p[i] = t;
      f.set(p, at); at += n; c[i]++; i = 1;
    } else { c[i] = 0; i++; }
  }
  return (FLAT[n] = f);
}
// The candidates (perm indices into the flat table) for which clue c holds: holds() with the switch
// hoisted out of the loop and no pos arrays.
function filterPerms(c, f, n, cands) {
  const a = c[1], b = c[2], x = c[3], out = [], m = cands.length;
  switch (c[0]) {
    case "left": for (let k = 0; k < m; k++) { const o = cands[k] * n; if (f[o + a] < f[o + b]) out.push(cands[k]); } break;
    case "next": for (let k = 0; k < m; k++) { const o = cands[k] * n, d = f[o + a] - f[o + b]; if (d === 1 || d === -1) out.push(cands[k]); } break;
    case "notnext": for (let k = 0; k < m; k++) { const o = cands[k] * n, d = f[o + a] - f[o + b]; if (d !== 1 && d !== -1) out.push(cands[k]); } break;
    case "right-after": for (let k = 0; k < m; k++) { const o = cands[k] * n; if (f[o + a] === f[o + b] + 1) out.push(cands[k]); } break;
    case "seat": for (let k = 0; k < m; k++) if (f[cands[k] * n + a] === b) out.push(cands[k]); break;
    case "notseat": for (let k = 0; k < m; k++) if (f[cands[k] * n + a] !== b) out.push(cands[k]); break;
    case "between": for (let k = 0; k < m; k++) {
      const o = cands[k] * n, A = f[o + a], B = f[o + b], X = f[o + x];
      if ((B < A && A < X) || (X < A && A < B)) out.push(cands[k]);
    } break;
    case "gap": for (let k = 0; k < m; k++) { const o = cands[k] * n, d = f[o + a] - f[o + b]; if (d === x || d === -x) out.push(cands[k]); } break;
  }
  return out;
}

export default {
  name: "seating-order",
  description: "Deduce the left-to-right seating order of people from positional clues.",
  tags: ["logic", "ordering", "deduction"],

  generate(rng, difficulty) {
    const n = 4 + Math.floor((difficulty - 1) / 3);          // 4..7 people
    const names = rng.shuffle(NAMES).slice(0, n);
    const seatOf = rng.shuffle([...Array(n).keys()]);        // seatOf[person]
    const person = () => rng.int(0, n - 1);
    // Direct seat clues are rarer when harder: more chaining through relative clues.
    const kinds = ["left", "left", "next", "notnext", "right-after", "between", "gap", "notseat"].concat(difficulty <= 4 ? ["seat"] : []);
    const clue = () => {
      const kind = rng.pick(kinds);
      const a = person(); let b = person(); while (b === a) b = person();
      let x = person(); while (x === a || x === b) x = person();
      const c = kind === "seat" || kind === "notseat" ? [kind, a, kind === "seat" ? seatOf[a] : rng.int(0, n - 1)]
        : kind === "gap" ? [kind, a, b, Math.abs(seatOf[a] - seatOf[b])]
        : kind === "between" ? [kind, a, b, x] : [kind, a, b];
      return holds(c, seatOf) ? c : null;                    // only true clues
    };
    const f = flatPermutations(n);
    let cands = [], clues = [];
    for (let i = 0; i < f.length / n; i++) cands.push(i);
    while (cands.length > 1) {
      const c = clue();
      if (!c) continue;
      const next = filterPerms(c, f, n, cands);
      if (next.length < cands.length) { clues.push(c); cands = next; }   // keep only informative clues
    }
    // The clues leave exactly one order, the planted one: kept so solve() need not search 7! orders.
    return { names, clues, seatOf };
  },

  prompt(state) {
    const n = state.names.length;
    return `${n} people (${state.names.slice().sort().join(", ")}) sit in a row of seats numbered 1 to ${n} from left to right, one per seat.\n` +
      state.clues.map((c) => "- " + say(c, state.names)).join("\n") +
      `\n\nWhat is the seating order? Answer with the names from seat 1 to seat ${n}, comma-separated.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const lower = state.names.map((nm) => nm.toLowerCase());
    const order = (answer.toLowerCase().match(/[a-z]+/g) || []).map((w) => lower.indexOf(w)).filter((i) => i >= 0);
    const n = state.names.length;
    if (order.length !== n || new Set(order).size !== n) return 0;
    const pos = [];
    order.forEach((p, seat) => { pos[p] = seat; });
    return state.clues.every((c) => holds(c, pos)) ? 1 : 0;
  },

  solve(state) {
    const order = [];
    state.seatOf.forEach((seat, p) => { order[seat] = state.names[p]; });
    return order.join(", ");
  },
};
