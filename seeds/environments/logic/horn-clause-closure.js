// Forward chaining: from facts and "if ... then ..." rules, find every statement that can be derived.
// Rules are layered so derivations chain; some rules have an unreachable premise and must not fire.
export default {
  name: "horn-clause-closure",
  description: "Derive every consequence of a set of facts under if-then rules (forward chaining).",
  tags: ["logic", "deduction", "rules"],

  generate(rng, difficulty) {
    const m = Math.min(26, 6 + 2 * difficulty);              // 8..26 propositions
    const atoms = rng.shuffle("ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("")).slice(0, m);
    for (;;) {
      const facts = atoms.slice(0, 2 + Math.floor(difficulty / 4));
      const rules = [];
      for (let i = facts.length; i < m; i++) {
        if (rng.float() < 0.25) continue;                    // no rule concludes this atom: it blocks rules that need it
        // A rule for atom i draws premises from earlier atoms, so chains are up to m long.
        const k = rng.int(1, Math.min(3, i));
        const premises = rng.shuffle(atoms.slice(0, i)).slice(0, k);
        rules.push([premises.sort(), atoms[i]]);
        if (rng.float() < 0.3) rules.push([rng.shuffle(atoms.slice(0, i)).slice(0, rng.int(1, Math.min(2, i))).sort(), atoms[i]]);
      }
      const state = { facts: facts.slice().sort(), rules: rng.shuffle(rules) };
      const derived = closure(state).filter((a) => !state.facts.includes(a));
      if (derived.length >= 2 && derived.length <= m - facts.length - 2) return state;
    }
  },

  prompt(state) {
    const rules = state.rules.map(([ps, c]) => `- if ${ps.join(" and ")} then ${c}`).join("\n");
    return `Each capital letter is a statement. These statements are known to be true: ${state.facts.join(", ")}.\nRules:\n${rules}\n\n` +
      `A rule's conclusion becomes true once all its conditions are true; rules can be applied any number of times. Nothing else is true.\n` +
      `Which statements, other than the given ones, become true? Answer with the letters in any order, comma-separated.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    // The answer is a list of single letters; any other word, or a letter twice, makes it invalid.
    const tokens = answer.toUpperCase().split(/[^A-Z]+/).filter((t) => t.length);
    if (tokens.some((t) => t.length !== 1) || new Set(tokens).size !== tokens.length) return 0;
    const got = tokens.filter((a) => !state.facts.includes(a));
    const want = closure(state).filter((a) => !state.facts.includes(a));
    const set = new Set(got);
    return set.size === want.length && want.every((a) => set.has(a)) ? 1 : 0;
  },

  solve(state) {
    return closure(state).filter((a) => !state.facts.includes(a)).sort().join(", ");
  },
};

function closure(state) {
  const known = new Set(state.facts);
  for (let changed = true; changed;) {
    changed = false;
    for (let r = 0; r < state.rules.length; r++) {
      const ps = state.rules[r][0], c = state.rules[r][1];
      if (known.has(c)) continue;
      let all = true;
      for (let i = 0; i < ps.length && all; i++) all = known.has(ps[i]);
      if (all) { known.add(c); changed = true; }
    }
  }
  return [...known];
}
