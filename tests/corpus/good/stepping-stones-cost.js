// Cheapest route along a row of stones, stepping 1 or 2 stones at a time (dynamic programming); the answer is the cost.
export default {
  name: 'stepping-stones-cost',
  description: 'Find the minimum total cost to cross a row of stones stepping one or two stones at a time.',
  tags: ['dynamic-programming'],
  generate(rng, difficulty) {
    return { cost: Array.from({ length: 6 + 3 * difficulty }, () => rng.int(1, 400 + 100 * difficulty)) };
  },
  prompt(s) {
    return `Stones in a row have costs ${s.cost.join(', ')}. You start on the first stone and must end on the last; each step moves 1 or 2 stones forward, and you pay the cost of every stone you stand on (first and last included). What is the minimum total cost? Answer with one integer.`;
  },
  verify(s, answer) {
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,12}$/.test(t) && t === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    const c = s.cost,
      best = [c[0], c[0] + c[1]];
    for (let i = 2; i < c.length; i++) best.push(c[i] + Math.min(best[i - 1], best[i - 2]));
    return String(best[c.length - 1]);
  },
};
