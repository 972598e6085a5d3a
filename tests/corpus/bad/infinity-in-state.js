// expect-fail: json-round-trip
// "No limit" encoded as Infinity: JSON turns it into null, so the state a dataset row rebuilds differs.
export default {
  name: 'budget-knapsack',
  description: 'Pick the cheapest item within a budget.',
  tags: ['optimisation'],
  generate(rng, difficulty) {
    return { prices: Array.from({ length: 3 + difficulty }, () => rng.int(1, 500)), budget: difficulty > 5 ? Infinity : rng.int(100, 400) };
  },
  prompt(s) {
    return `Prices: ${s.prices.join(', ')}; budget ${s.budget}. Name the cheapest price within budget.`;
  },
  verify(s, answer) {
    return answer.trim() === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    return String(Math.min(...s.prices.filter((p) => p <= s.budget)));
  },
};
