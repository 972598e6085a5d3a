// Model counting: how many of the 2^n truth assignments make a propositional formula true?
// Needs a systematic case analysis; the count is checked exactly.
function evalF(f, v) {
  switch (f[0]) {
    case "var": return v[f[1]];
    case "not": return !evalF(f[1], v);
    case "and": return evalF(f[1], v) && evalF(f[2], v);
    case "or": return evalF(f[1], v) || evalF(f[2], v);
    case "xor": return evalF(f[1], v) !== evalF(f[2], v);
    case "implies": return !evalF(f[1], v) || evalF(f[2], v);
  }
  return false;
}
function show(f, top) {
  if (f[0] === "var") return String.fromCharCode(65 + f[1]);
  if (f[0] === "not") return "NOT " + show(f[1], false);
  const s = `${show(f[1], false)} ${f[0].toUpperCase()} ${show(f[2], false)}`;
  return top ? s : `(${s})`;
}
function count(state) {
  let c = 0;
  for (let m = 0; m < 1 << state.n; m++) {
    const v = []; for (let i = 0; i < state.n; i++) v.push(((m >> i) & 1) === 1);
    if (evalF(state.formula, v)) c++;
  }
  return c;
}

// The same count, all 2^n assignments at once: each subformula becomes its truth table as 32-bit
// words (bit m of the table = value under assignment m), so counting is a few word operations per
// node instead of 2^n recursive evaluations.
const VAR_WORD = [0xaaaaaaaa | 0, 0xcccccccc | 0, 0xf0f0f0f0 | 0, 0xff00ff00 | 0, 0xffff0000 | 0];
function table(f, n, words) {
  const out = new Int32Array(words);
  switch (f[0]) {
    case "var": {
      const i = f[1];
      for (let w = 0; w < words; w++) out[w] = i < 5 ? VAR_WORD[i] : ((w >> (i - 5)) & 1 ? -1 : 0);
      return out;
    }
    case "not": { const a = table(f[1], n, words); for (let w = 0; w < words; w++) out[w] = ~a[w]; return out; }
  }
  const a = table(f[1], n, words), b = table(f[2], n, words), op = f[0];
  for (let w = 0; w < words; w++) {
    out[w] = op === "and" ? a[w] & b[w] : op === "or" ? a[w] | b[w] : op === "xor" ? a[w] ^ b[w] : op === "implies" ? ~a[w] | b[w] : 0;
  }
  return out;
}
function countFast(state) {
  const n = state.n, words = n <= 5 ? 1 : 1 << (n - 5), t = table(state.formula, n, words);
  let c = 0;
  for (let w = 0; w < words; w++) {
    let x = n < 5 ? t[w] & ((1 << (1 << n)) - 1) : t[w];
    x = x - ((x >>> 1) & 0x55555555); x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    c += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return c;
}

export default {
  name: "model-counting",
  description: "Count the truth assignments that satisfy a propositional formula.",
  tags: ["logic", "propositional", "counting"],

  generate(rng, difficulty) {
    const n = 6 + Math.ceil(difficulty * 0.5);                // 7..11 variables
    const leaves = n + Math.floor(difficulty / 2);
    for (;;) {
      // Build a random tree over the leaves, each variable used at least once.
      let parts = rng.shuffle([...Array(leaves).keys()].map((i) => ["var", i < n ? i : rng.int(0, n - 1)]));
      while (parts.length > 1) {
        const i = rng.int(0, parts.length - 2);
        let node = [rng.pick(["and", "or", "or", "xor", "implies", "and"]), parts[i], parts[i + 1]];
        if (rng.float() < 0.2) node = ["not", node];
        parts.splice(i, 2, node);
      }
      const state = { n, formula: parts[0] };
      const c = countFast(state);
      // The count is stored with the state so that scoring an answer is one comparison, not 2^n evaluations.
      // Not trivially none/all, and not a power of two or all-but-a-power-of-two: xor and implication
      // chains give those counts so often that a fixed guess like "64" would win many instances.
      const lonely = (x) => x > 0 && (x & (x - 1)) === 0;
      if (c > 1 && c < (1 << n) - 1 && !lonely(c) && !lonely((1 << n) - c)) return { ...state, count: c };
    }
  },

  prompt(state) {
    const vars = [...Array(state.n).keys()].map((i) => String.fromCharCode(65 + i)).join(", ");
    return `Consider the propositional formula over the variables ${vars}:\n\n${show(state.formula, true)}\n\n` +
      `AND, OR and NOT have their usual meaning, XOR is true when exactly one side is true, and X IMPLIES Y is false only when X is true and Y is false. ` +
      `How many of the ${2 ** state.n} assignments of true/false to ${vars} make the formula true?\nAnswer with a single integer.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.match(/\d+/g) || [];
    return nums.length === 1 && Number(nums[0]) === state.count ? 1 : 0;
  },

  solve(state) {
    return String(state.count);                              // counted once, at generation
  },
};
