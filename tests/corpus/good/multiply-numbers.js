// Multiply two integers; difficulty sets their digits. The answer space is huge at every level.
export default {
  name: 'multiply-numbers',
  description: 'Multiply two integers whose number of digits grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const digits = (k) => rng.int(10 ** (k - 1), 10 ** k - 1);
    return { a: digits(1 + Math.ceil(difficulty / 2)), b: digits(1 + Math.floor((difficulty + 1) / 2)) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    const t = String(answer).replace(/[\s,_]/g, '');
    return /^\d{1,40}$/.test(t) && t === String(s.a * s.b) ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
