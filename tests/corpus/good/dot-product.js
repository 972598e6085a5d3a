// Dot product of two integer vectors; difficulty sets the length and the range of the entries.
export default {
  name: 'dot-product',
  description: 'Compute the dot product of two integer vectors.',
  tags: ['arithmetic', 'linear-algebra'],
  generate(rng, difficulty) {
    const n = 2 + difficulty,
      hi = 5 + 5 * difficulty;
    const v = () => Array.from({ length: n }, () => rng.int(-hi, hi));
    return { u: v(), w: v() };
  },
  prompt(s) {
    return `Compute the dot product of (${s.u.join(', ')}) and (${s.w.join(', ')}). Answer with one integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/\s/g, '').replace(/^\+/, '');
    const want = s.u.reduce((acc, x, i) => acc + x * s.w[i], 0);
    return /^-?\d{1,20}$/.test(t) && Number(t) === want ? 1 : 0;
  },
  solve(s) {
    return String(s.u.reduce((acc, x, i) => acc + x * s.w[i], 0));
  },
};
