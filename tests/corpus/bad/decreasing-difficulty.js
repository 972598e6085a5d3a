// expect-fail: monotone-difficulty
// Higher difficulty gives SHORTER lists: the knob works backwards.
export default {
  name: 'sort-numbers-backwards',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    return { xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 25 - 2 * difficulty) };
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
