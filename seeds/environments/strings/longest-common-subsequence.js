// Longest common subsequence: any common subsequence of maximum length is accepted (there are often several).
function lcsTable(a, b) {
  const t = Array.from({ length: a.length + 1 }, () => Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--)
    t[i][j] = a[i] === b[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
  return t;
}
const isSubsequence = (s, of) => { let k = 0; for (const ch of of) if (k < s.length && s[k] === ch) k++; return k === s.length; };

export default {
  name: "longest-common-subsequence",
  description: "Find a longest common subsequence of two strings.",
  tags: ["strings", "dynamic-programming", "subsequence"],

  generate(rng, difficulty) {
    const alphabet = "ABCDEFGH".slice(0, 3 + Math.floor(difficulty / 3)).split("");
    const len = 6 + 3 * difficulty;                          // 9..36 characters each
    for (;;) {
      const a = Array.from({ length: len }, () => rng.pick(alphabet)).join("");
      const b = Array.from({ length: len + rng.int(-2, 2) }, () => rng.pick(alphabet)).join("");
      const length = lcsTable(a, b)[0][0];                   // stored: verify needs no DP table per answer
      if (length >= 3) return { a, b, length };             // an empty or tiny answer is no task
    }
  },

  prompt(state) {
    return `String 1: ${state.a}\nString 2: ${state.b}\n\n` +
      `A subsequence keeps some characters of a string in their original order (not necessarily adjacent). ` +
      `Find a longest string that is a subsequence of both strings.\nAnswer with that string (letters only).`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const s = answer.toUpperCase().replace(/[\s,\-]/g, "");
    if (s.length === 0 || s.length !== state.length) return 0;
    return isSubsequence(s, state.a) && isSubsequence(s, state.b) ? 1 : 0;
  },

  solve(state) {
    const { a, b } = state, t = lcsTable(a, b);
    let i = 0, j = 0, out = "";
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out += a[i]; i++; j++; }
      else if (t[i + 1][j] >= t[i][j + 1]) i++;
      else j++;
    }
    return out;
  },
};
