// Knights and knaves: knights always tell the truth, knaves always lie. Statements are added until exactly
// one assignment is consistent, found by brute force over all 2^n assignments (n <= 8).
const NAMES = ["Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Oscar", "Peggy", "Trent", "Victor", "Walter"];

// A statement is data: [kind, ...people indices / numbers]. holds() evaluates it under an assignment (bitmask of knights).
function holds(st, mask) {
  const a = (mask >> st[1]) & 1, b = (mask >> st[2]) & 1;   // 1 = knight (b is unused by one-person kinds)
  switch (st[0]) {
    case "knave": return a === 0;
    case "knight": return a === 1;
    case "same": return a === b;
    case "different": return a !== b;
    case "or": return a === 1 || b === 1;
    case "implies": return a === 0 || b === 0;              // "if X is a knight then Y is a knave"
    case "count": { let c = 0; for (let i = 0; i < st[2]; i++) c += (mask >> i) & 1; return c === st[1]; }
  }
  return false;
}
function say(st, names) {
  switch (st[0]) {
    case "knave": return `${names[st[1]]} is a knave`;
    case "knight": return `${names[st[1]]} is a knight`;
    case "same": return `${names[st[1]]} and ${names[st[2]]} are the same kind`;
    case "different": return `${names[st[1]]} and ${names[st[2]]} are different kinds`;
    case "or": return `${names[st[1]]} or ${names[st[2]]} is a knight (or both)`;
    case "implies": return `if ${names[st[1]]} is a knight, then ${names[st[2]]} is a knave`;
    case "count": {
      // The first st[2] people, named ("exactly 1 of Ann, Bob and Cy is a knight"), or "us" when that is everyone.
      const group = names.slice(0, st[2]);
      const who = st[2] === names.length ? "us" : group.length === 2 ? `${group[0]} and ${group[1]}` : `${group.slice(0, -1).join(", ")} and ${group[group.length - 1]}`;
      return `exactly ${st[1]} of ${who} ${st[1] === 1 ? "is a knight" : "are knights"}`;
    }
  }
  return "";
}
// Assignments consistent with all statements: a speaker is a knight exactly when the statement is true.
function models(n, statements) {
  const out = [];
  for (let mask = 0; mask < 1 << n; mask++) if (statements.every(([who, st]) => (((mask >> who) & 1) === 1) === holds(st, mask))) out.push(mask);
  return out;
}

// Is assignment `mask` consistent with one statement [who, st]?
function consistent(entry, mask) { return (((mask >> entry[0]) & 1) === 1) === holds(entry[1], mask); }

export default {
  name: "knights-and-knaves",
  description: "Deduce who is a knight (always truthful) and who is a knave (always lying) from their statements.",
  tags: ["logic", "deduction", "puzzle"],

  generate(rng, difficulty) {
    const n = 2 + Math.ceil(difficulty / 2) + (difficulty >= 9 ? 1 : 0);   // 3..8 people
    const names = rng.shuffle(NAMES).slice(0, n);
    const other = (i) => { const j = rng.int(0, n - 2); return j >= i ? j + 1 : j; };
    const statement = (who) => {
      const kind = rng.pick(["knave", "knight", "same", "different", "or", "implies", "count"]);
      if (kind === "count") return [kind, rng.int(0, n), n];
      if (kind === "knave" || kind === "knight") return [kind, other(who)];
      const a = other(who); let b = other(who); if (b === a) b = who;
      return [kind, a, b];
    };
    for (;;) {
      const statements = [];
      for (let who = 0; who < n; who++) statements.push([who, statement(who)]);   // everyone speaks once
      // Models of all statements; a new statement only removes models, so filter the current ones.
      let sols = [];
      for (let mask = 0; mask < 1 << n; mask++) {
        let ok = true;
        for (let s = 0; s < statements.length && ok; s++) ok = consistent(statements[s], mask);
        if (ok) sols.push(mask);
      }
      while (sols.length > 1 && statements.length < 3 * n) {
        const who = rng.int(0, n - 1);
        statements.push([who, statement(who)]);
        const last = statements[statements.length - 1];
        const next = sols.filter((mask) => consistent(last, mask));
        if (next.length === 0) statements.pop(); else sols = next;
      }
      if (sols.length === 1) return { names, statements };
    }
  },

  prompt(state) {
    const lines = state.statements.map(([who, st]) => `${state.names[who]} says: "${say(st, state.names)}."`).join("\n");
    const us = state.names.join(", ");
    return `On an island every inhabitant is a knight, who always tells the truth, or a knave, who always lies. ` +
      `You meet ${us} ("us" means these ${state.names.length} people).\n${lines}\n\n` +
      `Who is a knight and who is a knave? Answer with every person and their kind, comma-separated, for example: Alice: knight, Bob: knave`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const text = answer.toLowerCase();
    let mask = 0;
    for (let i = 0; i < state.names.length; i++) {
      const re = new RegExp(`\\b${state.names[i].toLowerCase()}\\b[^a-z]*(?:is\\s+)?(?:an?\\s+)?(knight|knave)`, "g");
      const found = [...text.matchAll(re)].map((m) => m[1]);
      if (found.length !== 1) return 0;                      // each person named exactly once
      if (found[0] === "knight") mask |= 1 << i;
    }
    return state.statements.every(([who, st]) => (((mask >> who) & 1) === 1) === holds(st, mask)) ? 1 : 0;
  },

  solve(state) {
    const mask = models(state.names.length, state.statements)[0];
    return state.names.map((nm, i) => `${nm}: ${(mask >> i) & 1 ? "knight" : "knave"}`).join(", ");
  },
};
