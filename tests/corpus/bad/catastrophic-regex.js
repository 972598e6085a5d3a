// expect-fail: adversarial-answers
// A backtracking regex on the raw answer: fine on normal answers, exponential on a long digit run
// that ends in a wrong character.
export default {
  name: 'regex-multiplication',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    if (!/^(\d+)+$/.test(answer.trim())) return 0;
    return Number(answer.trim()) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
