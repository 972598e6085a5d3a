// expect-fail: partial-credit
// Credit for the share of correct digits: a near-miss scores 0.9, so the policy learns near-misses.
export default {
  name: 'digit-credit-multiplication',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 2 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(101, 999) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, ''),
      want = String(s.a * s.b);
    if (!/^\d{1,30}$/.test(t)) return 0;
    if (t === want) return 1;
    if (t.length !== want.length) return 0;
    let same = 0;
    for (let i = 0; i < t.length; i++) if (t[i] === want[i]) same++;
    return (0.95 * same) / want.length;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
