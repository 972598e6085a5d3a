// expect-fail: solve-verifies
// solve() drops the last running total, so the reference answer is wrong on every instance.
export default {
  name: 'off-by-one-prefix-sums',
  description: 'Give the running totals (prefix sums) of a list of integers.',
  tags: ['arithmetic', 'lists'],
  generate(rng, difficulty) {
    return { xs: Array.from({ length: 3 + difficulty }, () => rng.int(-20, 40)) };
  },
  prompt(s) {
    return `Give the running totals of ${s.xs.join(', ')}. Answer with the totals separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    let t = 0;
    return answer
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ') === s.xs.map((x) => (t += x)).join(' ')
      ? 1
      : 0;
  },
  solve(s) {
    let t = 0;
    return s.xs
      .map((x) => (t += x))
      .slice(0, -1)
      .join(' ');
  },
};
