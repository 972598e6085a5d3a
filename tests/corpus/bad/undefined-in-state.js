// expect-fail: json-round-trip
// A field set to undefined disappears in JSON: prompt and verify would see different states.
export default {
  name: 'optional-hint',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    return { xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 3 + 2 * difficulty), hint: undefined };
  },
  prompt(s) {
    return `Sort ascending: ${s.xs.join(', ')}.`;
  },
  verify(s, answer) {
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
