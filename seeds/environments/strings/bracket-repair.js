// Bracket repair: insert the fewest brackets to make a string of (), [] and {} balanced. Interval DP gives
// the minimum; verify accepts any balanced string of that length that keeps the original as a subsequence.
const OPEN = "([{", CLOSE = ")]}";

function table(s) {
  // f[i][j] = fewest insertions that balance s[i..j-1]. Filled in one flat array (row i at i * (n + 1)),
  // with the brackets as codes (0..2 open, 3..5 close), then cut into rows.
  const n = s.length, N = n + 1, F = new Int32Array(N * N), code = [];
  for (let i = 0; i < n; i++) { const o = OPEN.indexOf(s[i]); code.push(o >= 0 ? o : 3 + CLOSE.indexOf(s[i])); }
  for (let len = 1; len <= n; len++) for (let i = 0; i + len <= n; i++) {
    const j = i + len, o = code[i];
    let best = 1 + F[(i + 1) * N + j];                        // give s[i] a new partner
    if (o < 3) for (let k = i + 1; k < j; k++) if (code[k] === o + 3) {
      const v = F[(i + 1) * N + k] + F[(k + 1) * N + j];
      if (v < best) best = v;
    }
    F[i * N + j] = best;
  }
  return Array.from({ length: N }, (_, i) => Array.from(F.subarray(i * N, i * N + N)));
}
function build(s, f, i, j) {
  if (i >= j) return "";
  const o = OPEN.indexOf(s[i]);
  if (o >= 0) for (let k = i + 1; k < j; k++) if (s[k] === CLOSE[o] && f[i][j] === f[i + 1][k] + f[k + 1][j]) return s[i] + build(s, f, i + 1, k) + s[k] + build(s, f, k + 1, j);
  const rest = build(s, f, i + 1, j);
  return o >= 0 ? s[i] + CLOSE[o] + rest : OPEN[CLOSE.indexOf(s[i])] + s[i] + rest;
}
function balanced(s) {
  const st = [];
  for (const ch of s) {
    if (OPEN.includes(ch)) st.push(ch);
    else if (st.pop() !== OPEN[CLOSE.indexOf(ch)]) return false;
  }
  return st.length === 0;
}

export default {
  name: "bracket-repair",
  description: "Insert the minimum number of brackets to make a bracket string balanced.",
  tags: ["strings", "brackets", "dynamic-programming"],

  generate(rng, difficulty) {
    const n = 4 + 3 * difficulty;                            // 7..34 characters
    const kinds = difficulty <= 2 ? 2 : 3;
    for (;;) {
      const s = Array.from({ length: n }, () => { const k = rng.int(0, kinds - 1); return rng.int(0, 1) ? OPEN[k] : CLOSE[k]; }).join("");
      const insertions = table(s)[0][n];
      // The minimum is stored with the state: verify then needs no O(n^3) table per answer.
      if (insertions >= 2) return { s, insertions };
    }
  },

  prompt(state) {
    return `Bracket string: ${state.s}\n\n` +
      `Insert as few brackets as possible (any of ( ) [ ] { }, anywhere) so that the string becomes balanced: every opening bracket is closed by the matching bracket type in the right nesting order. ` +
      `You may not delete or reorder the existing brackets.\nAnswer with the complete repaired string.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const t = answer.replace(/\s+/g, "");
    if (!/^[()\[\]{}]+$/.test(t)) return 0;
    const s = state.s;
    const insertions = typeof state.insertions === "number" ? state.insertions : table(s)[0][s.length];
    if (t.length !== s.length + insertions || !balanced(t)) return 0;
    let k = 0;
    for (const ch of t) if (k < s.length && s[k] === ch) k++;  // the original must survive as a subsequence
    return k === s.length ? 1 : 0;
  },

  solve(state) {
    const s = state.s;
    return build(s, table(s), 0, s.length);
  },
};
