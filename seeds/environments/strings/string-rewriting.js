// String rewriting: apply shrinking rules (first applicable rule, leftmost match) until none applies.
// Every rule shortens the string, so the process always ends; tracing it by hand takes care.
function rewrite(state) {
  let s = state.start, steps = 0;
  for (;;) {
    let rule = null;
    for (let r = 0; r < state.rules.length && !rule; r++) if (s.includes(state.rules[r][0])) rule = state.rules[r];
    if (!rule) return { s, steps };
    const i = s.indexOf(rule[0]);
    s = s.slice(0, i) + rule[1] + s.slice(i + rule[0].length);
    steps++;
  }
}

export default {
  name: "string-rewriting",
  description: "Apply ordered string rewriting rules until no rule applies and give the final string.",
  tags: ["strings", "rewriting", "simulation"],

  generate(rng, difficulty) {
    const alphabet = "abcd".slice(0, difficulty <= 3 ? 3 : 4).split("");
    for (;;) {
      const rules = [];
      const nRules = 3 + Math.floor(difficulty / 3);
      while (rules.length < nRules) {
        const lhs = rng.pick(alphabet) + rng.pick(alphabet) + (rng.float() < 0.3 ? rng.pick(alphabet) : "");
        const rhs = Array.from({ length: rng.int(0, lhs.length - 1) }, () => rng.pick(alphabet)).join("");
        if (!rules.some((r) => r[0] === lhs)) rules.push([lhs, rhs]);
      }
      const start = Array.from({ length: 6 + 3 * difficulty }, () => rng.pick(alphabet)).join("");
      const state = { rules, start };
      const { s, steps } = rewrite(state);
      if (s.length >= 2 && steps >= 2 + difficulty) return state;   // a real chain and a non-trivial result
    }
  },

  prompt(state) {
    const rules = state.rules.map(([l, r], i) => `${i + 1}. ${l} -> ${r === "" ? "(nothing)" : r}`).join("\n");
    return `Start with the string "${state.start}" and these rules:\n${rules}\n\n` +
      `Repeat: find the first rule in the list whose left side occurs in the string, and replace the leftmost occurrence of it by the right side. ` +
      `Stop when no rule applies.\nAnswer with the final string.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    return answer.toLowerCase().replace(/[\s"'`]/g, "") === rewrite(state).s ? 1 : 0;
  },

  solve(state) {
    return rewrite(state).s;
  },
};
