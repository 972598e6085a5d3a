// Remove repeated items from a list, keeping first occurrences in order.
export default {
  name: 'dedupe-list',
  description: 'Remove repeated numbers from a list, keeping the first occurrence of each in order.',
  tags: ['lists'],
  generate(rng, difficulty) {
    const n = 5 + 3 * difficulty;
    return { xs: Array.from({ length: n }, () => rng.int(1, 10 + 4 * difficulty)) };
  },
  prompt(s) {
    return `Remove repeated numbers from this list, keeping the first occurrence of each, in order: ${s.xs.join(' ')}. Answer with the remaining numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 3000) return 0;
    const got = answer
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ');
    return got === [...new Set(s.xs)].join(' ') ? 1 : 0;
  },
  solve(s) {
    return [...new Set(s.xs)].join(' ');
  },
};
