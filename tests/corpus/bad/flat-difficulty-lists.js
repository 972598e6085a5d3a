// expect-fail: monotone-difficulty
// The difficulty argument is ignored: every level draws the same kind of instance.
export default {
  name: 'sort-numbers-flat',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, _difficulty) {
    return { xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 9) };
  },
  prompt(s) {
    return `Sort ascending: ${s.xs.join(', ')}. Answer with the numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    return answer
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ') === this.solve(s)
      ? 1
      : 0;
  },
  solve(s) {
    return s.xs
      .slice()
      .sort((a, b) => a - b)
      .join(' ');
  },
};
