// Tower of Hanoi from a scrambled (but legal) position: move every disk to a target peg in the fewest moves.
// Optimality is checked by count (computed at generation), legality by simulation: any optimal sequence passes.
function optimalMoves(pegs, target) {
  // where[d] = peg of disk d (1 = smallest). Classic recursion: the largest disk decides.
  const where = [];
  pegs.forEach((stack, p) => stack.forEach((d) => { where[d] = p; }));
  const moves = [];
  const tower = (k, from, to) => {                          // move disks 1..k, stacked on `from`, to `to`
    if (k === 0) return;
    const spare = 3 - from - to;
    tower(k - 1, from, spare); moves.push([from, to]); tower(k - 1, spare, to);
  };
  const gather = (k, to) => {                               // move disks 1..k from anywhere onto `to`
    if (k === 0) return;
    if (where[k] === to) return gather(k - 1, to);
    const spare = 3 - where[k] - to;
    gather(k - 1, spare); moves.push([where[k], to]); tower(k - 1, spare, to);
  };
  gather(where.length - 1, target);
  return moves;
}

const n = (state) => state.pegs.reduce((k, s) => k + s.length, 0);

export default {
  name: "tower-of-hanoi-moves",
  description: "Finish a Tower of Hanoi from a scrambled legal position in the minimum number of moves.",
  tags: ["algorithmic", "planning", "recursion"],

  generate(rng, difficulty) {
    const n = 4 + Math.floor((difficulty - 1) / 3);         // 4..7 disks
    for (;;) {
      const pegs = [[], [], []];                             // each stack listed bottom to top
      for (let d = n; d >= 1; d--) pegs[rng.int(0, 2)].push(d);
      const target = rng.int(0, 2);
      const optimal = optimalMoves(pegs, target).length;
      if (optimal >= Math.min(2 + 2 * difficulty, 2 ** n - 1)) return { pegs, target, optimal };
    }
  },

  prompt(state) {
    const show = (s) => (s.length ? s.join(", ") : "empty");
    return `Tower of Hanoi with ${n(state)} disks (1 = smallest) on pegs A, B and C. Each peg is listed from bottom to top:\n` +
      `A: ${show(state.pegs[0])}\nB: ${show(state.pegs[1])}\nC: ${show(state.pegs[2])}\n\n` +
      `A move takes the top disk of one peg and puts it on another peg; a disk may never be placed on a smaller disk. ` +
      `Move all disks onto peg ${"ABC"[state.target]} using exactly ${state.optimal} moves (the minimum possible).\n` +
      `Answer with the moves in order, comma-separated, each as FROM->TO, for example: A->C, A->B, C->B`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    // Moves are replayed as they are read: any illegal move, or more than the optimum, scores 0.
    const re = /\b([ABC])\s*(?:->|→|TO|-|>|:)?\s*([ABC])\b/g;
    const pegs = state.pegs.map((s) => s.slice());
    let m, count = 0;
    const text = answer.toUpperCase();
    while ((m = re.exec(text)) !== null) {
      if (++count > state.optimal) return 0;
      const from = m[1].charCodeAt(0) - 65, to = m[2].charCodeAt(0) - 65;
      const src = pegs[from], dst = pegs[to];
      if (from === to || src.length === 0) return 0;
      if (dst.length && dst[dst.length - 1] < src[src.length - 1]) return 0;
      dst.push(src.pop());
    }
    if (count === 0) return 0;
    return pegs[state.target].length === n(state) ? 1 : 0;
  },

  solve(state) {
    return optimalMoves(state.pegs, state.target).map(([a, b]) => `${"ABC"[a]}->${"ABC"[b]}`).join(", ");
  },
};
