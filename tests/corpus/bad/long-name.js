// expect-fail: exports-and-types
// A 90-character name and a 3,000-character description: over the metadata limits.
export default {
  name: 'multiply-two-integers-whose-size-grows-with-difficulty-and-answer-with-the-exact-product-now',
  description: 'Multiply. '.repeat(300),
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,20}$/.test(t) && Number(t) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
