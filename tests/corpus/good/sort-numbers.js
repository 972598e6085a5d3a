// Sort a list of distinct numbers ascending; difficulty sets the length.
export default {
  name: 'sort-numbers',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    return { xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 3 + 2 * difficulty) };
  },
  prompt(s) {
    return `Sort these numbers in ascending order: ${s.xs.join(', ')}. Answer with the sorted numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    const got = answer.split(/[\s,]+/).filter(Boolean);
    const want = s.xs
      .slice()
      .sort((a, b) => a - b)
      .map(String);
    return got.length === want.length && got.every((x, i) => x === want[i]) ? 1 : 0;
  },
  solve(s) {
    return s.xs
      .slice()
      .sort((a, b) => a - b)
      .join(' ');
  },
};
