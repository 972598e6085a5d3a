// Union area: overlapping rectangles on a grid; count the area covered by at least one of them.
// unionArea() by painting the compressed grid once per rectangle (no per-cell scan of every rectangle).
function unionAreaFast(rects) {
  const xs = [...new Set(rects.flatMap((r) => [r[0], r[2]]))].sort((a, b) => a - b);
  const ys = [...new Set(rects.flatMap((r) => [r[1], r[3]]))].sort((a, b) => a - b);
  const X = xs.length, covered = new Uint8Array(X * ys.length);
  for (const r of rects) {
    const i1 = xs.indexOf(r[0]), i2 = xs.indexOf(r[2]), j1 = ys.indexOf(r[1]), j2 = ys.indexOf(r[3]);
    for (let j = j1; j < j2; j++) for (let i = i1; i < i2; i++) covered[j * X + i] = 1;
  }
  let area = 0;
  for (let j = 0; j + 1 < ys.length; j++) for (let i = 0; i + 1 < X; i++) if (covered[j * X + i]) area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
  return area;
}

export default {
  name: "rectangle-union-area",
  description: "Compute the total area covered by a set of overlapping axis-aligned rectangles.",
  tags: ["spatial", "geometry", "counting"],

  generate(rng, difficulty) {
    const k = 3 + difficulty, size = 16 + 4 * difficulty;    // 4..13 rectangles on a growing board
    const rects = [];
    while (rects.length < k) {
      const x1 = rng.int(0, size - 2), y1 = rng.int(0, size - 2);
      const x2 = rng.int(x1 + 1, Math.min(size, x1 + 2 + Math.floor(size / 2)));
      const y2 = rng.int(y1 + 1, Math.min(size, y1 + 2 + Math.floor(size / 2)));
      rects.push([x1, y1, x2, y2]);
    }
    return { rects, area: unionAreaFast(rects) };            // stored: scoring is then one comparison
  },

  prompt(state) {
    const list = state.rects.map(([x1, y1, x2, y2], i) => `R${i + 1}: from (${x1}, ${y1}) to (${x2}, ${y2})`).join("\n");
    return `These axis-aligned rectangles are given by two opposite corners (x, y):\n${list}\n\n` +
      `Rectangles may overlap. What is the total area of the region covered by at least one rectangle (overlaps counted once)?\n` +
      `Answer with a single integer.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.replace(/(\d),(?=\d{3}\b)/g, "$1").match(/-?\d+(\.\d+)?/g) || [];
    return nums.length === 1 && Number(nums[0]) === state.area ? 1 : 0;
  },

  solve(state) {
    return String(unionArea(state));
  },
};

// Coordinate compression: the distinct x and y edges cut the plane into cells that are fully in or out.
function unionArea(state) {
  const xs = [...new Set(state.rects.flatMap((r) => [r[0], r[2]]))].sort((a, b) => a - b);
  const ys = [...new Set(state.rects.flatMap((r) => [r[1], r[3]]))].sort((a, b) => a - b);
  let area = 0;
  for (let i = 0; i + 1 < xs.length; i++) for (let j = 0; j + 1 < ys.length; j++) {
    const cx = xs[i], cy = ys[j];
    if (state.rects.some(([x1, y1, x2, y2]) => x1 <= cx && cx < x2 && y1 <= cy && cy < y2)) area += (xs[i + 1] - cx) * (ys[j + 1] - cy);
  }
  return area;
}
