// expect-fail: monotone-difficulty
// "Harder" only means a longer preamble: the task itself never changes with difficulty.
export default {
  name: 'padded-multiplication',
  description: 'Multiply two integers.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    return { a: rng.int(100, 999), b: rng.int(100, 999), d: difficulty };
  },
  prompt(s) {
    return 'Read carefully. '.repeat(20 * s.d) + `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,12}$/.test(t) && Number(t) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
