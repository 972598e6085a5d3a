// Evaluate an integer polynomial at a point; difficulty sets the degree and the size of the numbers.
export default {
  name: 'polynomial-value',
  description: 'Evaluate a polynomial with integer coefficients at an integer point.',
  tags: ['algebra'],
  generate(rng, difficulty) {
    const deg = 1 + Math.ceil(difficulty / 2);
    return { c: Array.from({ length: deg + 1 }, () => rng.int(-9 - difficulty, 9 + difficulty)), x: rng.int(2, 3 + difficulty) };
  },
  prompt(s) {
    const terms = s.c.map((k, i) => `(${k})·x^${s.c.length - 1 - i}`).join(' + ');
    return `Let p(x) = ${terms}. Compute p(${s.x}). Answer with one integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^-?\d{1,20}$/.test(t) && t === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    return String(s.c.reduce((acc, k) => acc * s.x + k, 0));
  },
};
