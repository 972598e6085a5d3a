// Merge two sorted lists into one sorted list; difficulty sets their lengths.
export default {
  name: 'merge-sorted',
  description: 'Merge two ascending lists of integers into one ascending list.',
  tags: ['sorting', 'lists'],
  generate(rng, difficulty) {
    const list = () => Array.from({ length: 2 + difficulty }, () => rng.int(1, 99)).sort((a, b) => a - b);
    return { a: list(), b: list() };
  },
  prompt(s) {
    return `Merge the sorted lists [${s.a.join(', ')}] and [${s.b.join(', ')}] into one sorted list. Answer with the numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    return answer
      .split(/[\s,[\]]+/)
      .filter(Boolean)
      .join(' ') === this.solve(s)
      ? 1
      : 0;
  },
  solve(s) {
    return s.a
      .concat(s.b)
      .sort((x, y) => x - y)
      .join(' ');
  },
};
