// expect-fail: exports-and-types
// 4,000 tags of 1,000 characters: copied into every dataset row (4 MB per row).
const TAGS = Array.from({ length: 4000 }, (_, i) => `tag-${i}-${'x'.repeat(990)}`);
export default {
  name: 'tagged-multiplication',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: TAGS,
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
