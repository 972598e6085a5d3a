// expect-fail: wrapped-answers
// The answer must end with a period ("42."): once the framework strips the trailing period (as it
// does for every model answer), the correct answer scores 0.
export default {
  name: 'period-multiplication',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer followed by a period.`;
  },
  verify(s, answer) {
    return answer.trim() === `${s.a * s.b}.` ? 1 : 0;
  },
  solve(s) {
    return `${s.a * s.b}.`;
  },
};
