// Exact fraction arithmetic: add and subtract fractions and reduce to lowest terms.
const gcd = (a, b) => (b === 0 ? Math.abs(a) : gcd(b, a % b));
function total(state) {
  let p = 0, q = 1;
  for (const [sign, a, b] of state.terms) {
    p = p * b + sign * a * q; q *= b;
    const g = gcd(p, q) || 1; p /= g; q /= g;
  }
  return [p, q];
}

export default {
  name: "fraction-sum",
  description: "Add and subtract fractions exactly and give the result in lowest terms.",
  tags: ["arithmetic", "fractions", "calculation"],

  generate(rng, difficulty) {
    const k = 2 + difficulty;                                // 3..12 terms
    for (;;) {
      const terms = Array.from({ length: k }, (_, i) => {
        const b = rng.int(2, 6 + difficulty);
        return [i === 0 || rng.int(0, 1) ? 1 : -1, rng.int(1, b - 1), b];
      });
      const [p, q] = total({ terms });
      if (q > 1 && p !== 0) return { terms };                 // a true fraction, not an integer
    }
  },

  prompt(state) {
    const expr = state.terms.map(([s, a, b], i) => `${i === 0 ? (s < 0 ? "-" : "") : s < 0 ? " - " : " + "}${a}/${b}`).join("");
    return `Compute exactly: ${expr}\n\nAnswer with the result as a fraction p/q in lowest terms (q > 0; put a minus sign in front if negative).`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    // p/q, or LaTeX \frac{p}{q} (also \dfrac, \tfrac, a minus in front or inside), or an integer when q = 1.
    const m = /^\s*([-−]?)\s*(\d{1,15})\s*\/\s*(\d{1,15})\s*\.?\s*$/.exec(answer) ||
      /^\s*([-−]?)\s*\\[dt]?frac\s*\{\s*(\d{1,15})\s*\}\s*\{\s*(\d{1,15})\s*\}\s*\.?\s*$/.exec(answer) ||
      /^\s*([-−]?)\s*(\d{1,15})()\s*\.?\s*$/.exec(answer) ||
      /^\s*\\[dt]?frac\s*\{\s*([-−])\s*(\d{1,15})\s*\}\s*\{\s*(\d{1,15})\s*\}\s*\.?\s*$/.exec(answer);
    if (!m) return 0;
    const [p, q] = total(state);
    const gp = Number(m[2]) * (m[1] ? -1 : 1), gq = m[3] === "" ? 1 : Number(m[3]);
    return gp === p && gq === q ? 1 : 0;                     // lowest terms were asked for
  },

  solve(state) {
    const [p, q] = total(state);
    return `${p}/${q}`;
  },
};
