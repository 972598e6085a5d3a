// expect-fail: answer-leakage
// The prompt "checks the work" by printing the product.
export default {
  name: 'leaky-multiplication',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer. (Debug: expected ${s.a * s.b})`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,20}$/.test(t) && Number(t) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
