// Chinese remainder theorem: the smallest non-negative x with given remainders modulo pairwise coprime moduli.
const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));

function crt(state) {
  // Sieve-style combination: step through candidates with the running modulus (moduli stay small).
  let x = 0, m = 1;
  for (const [r, mod] of state.congruences) {
    while (x % mod !== r) x += m;
    m *= mod;
  }
  return x;
}

export default {
  name: "chinese-remainder",
  description: "Find the smallest non-negative integer with prescribed remainders modulo several coprime moduli.",
  tags: ["arithmetic", "number-theory", "modular"],

  generate(rng, difficulty) {
    const k = 2 + Math.floor(difficulty / 3);                // 2..5 congruences
    const moduli = [];
    while (moduli.length < k) {
      const m = rng.int(7, 14 + 4 * difficulty);
      if (moduli.every((q) => gcd(q, m) === 1)) moduli.push(m);
    }
    const product = moduli.reduce((a, b) => a * b, 1);
    const x = rng.int(10, product - 1);                      // the hidden answer; never a tiny number like 0 or 1
    return { congruences: moduli.map((m) => [x % m, m]) };
  },

  prompt(state) {
    const list = state.congruences.map(([r, m]) => `x leaves remainder ${r} when divided by ${m}`).join("\n");
    return `Find the smallest non-negative integer x such that:\n${list}\n\nAnswer with the integer x.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.replace(/(\d),(?=\d{3}\b)/g, "$1").match(/-?\d+/g) || [];
    return nums.length === 1 && Number(nums[0]) === crt(state) ? 1 : 0;
  },

  solve(state) {
    return String(crt(state));
  },
};
