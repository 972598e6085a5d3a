// expect-fail: distinct-states
// generate() ignores rng: every seed gets the same list at a difficulty.
export default {
  name: 'constant-instance',
  description: 'Sort a list of integers in ascending order.',
  tags: ['sorting'],
  generate(_rng, difficulty) {
    return { xs: Array.from({ length: 3 + 2 * difficulty }, (_, i) => (i * 37 + difficulty * 11) % 101) };
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
