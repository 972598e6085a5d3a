// expect-fail: guessability
// "Is this 3-CNF satisfiable?" with a correct verifier: answering "yes" always wins most of the time.
export default {
  name: 'cnf-satisfiable',
  description: 'Decide whether a random 3-CNF formula is satisfiable.',
  tags: ['logic', 'sat'],
  generate(rng, difficulty) {
    const n = 3 + Math.ceil(difficulty / 2),
      m = Math.round(n * 3.5);
    const clauses = Array.from({ length: m }, () => [0, 1, 2].map(() => rng.int(1, n) * (rng.bool() ? 1 : -1)));
    return { n, clauses, sat: satisfiable(n, clauses) };
  },
  prompt(s) {
    return `Variables x1..x${s.n}. Is this formula satisfiable? ${s.clauses.map((c) => `(${c.map((l) => (l < 0 ? '¬x' + -l : 'x' + l)).join(' ∨ ')})`).join(' ∧ ')} Answer yes or no.`;
  },
  verify(s, answer) {
    const a = answer.trim().toLowerCase();
    return (a === 'yes' || a === 'no') && a === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    return s.sat ? 'yes' : 'no';
  },
};
function satisfiable(n, clauses) {
  for (let mask = 0; mask < 1 << n; mask++)
    if (clauses.every((c) => c.some((l) => ((mask >> (Math.abs(l) - 1)) & 1) === (l > 0 ? 1 : 0)))) return true;
  return false;
}
