// expect-fail: prompt-bounded
// prompt() forgets the question at high difficulty.
export default {
  name: 'forgetful-prompt',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99), d: difficulty };
  },
  prompt(s) {
    return s.d > 8 ? '   ' : `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,20}$/.test(t) && Number(t) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
