// expect-fail: tail-latency
// solve() is quick on most instances but spins for over a second (12M steps) on about one in twelve at the top
// difficulty: the p99 sits near the deadline, so scoring and sampling time out on a busy machine.
export default {
  name: 'slow-tail-sort',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    return {
      xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 3 + 2 * difficulty),
      slow: difficulty === 10 && rng.int(0, 11) === 0,
    };
  },
  prompt(s) {
    return `Sort ascending: ${s.xs.join(', ')}. Answer with the numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    return answer
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ') ===
      s.xs
        .slice()
        .sort((a, b) => a - b)
        .join(' ')
      ? 1
      : 0;
  },
  solve(s) {
    let x = 0;
    if (s.slow) for (let i = 0; i < SPIN; i++) x = (x * 31 + i) | 0;
    return (
      s.xs
        .slice()
        .sort((a, b) => a - b)
        .join(' ') + (x === 0.5 ? '!' : '')
    );
  },
};
const SPIN = 12000000;
