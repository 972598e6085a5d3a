// Maze path: find a route from S to E through an ASCII maze. The maze is a random spanning tree
// (randomized depth-first search), so a route always exists; verify replays any route the model gives.
const DIRS = { U: [-1, 0], D: [1, 0], L: [0, -1], R: [0, 1] };

export default {
  name: "maze-path",
  description: "Find a path from S to E through an ASCII maze, as a string of U/D/L/R moves.",
  tags: ["spatial", "maze", "path-finding"],

  generate(rng, difficulty) {
    const h = 3 + difficulty, w = 4 + difficulty;            // cells; the map is (2h+1)×(2w+1) characters
    const map = Array.from({ length: 2 * h + 1 }, () => Array(2 * w + 1).fill("#"));
    // Randomized iterative DFS over cells (id = r * w + c), flat arrays, no per-step allocation.
    const seen = new Uint8Array(h * w), stack = new Int32Array(h * w);
    const r0 = rng.int(0, h - 1), c0 = rng.int(0, w - 1);
    let sp = 0;
    stack[sp++] = r0 * w + c0; seen[r0 * w + c0] = 1;
    map[2 * r0 + 1][2 * c0 + 1] = ".";
    const DR = [-1, 1, 0, 0], DC = [0, 0, -1, 1], order = [0, 1, 2, 3];  // U D L R, as in DIRS
    const open = (r2, c2) => r2 >= 0 && r2 < h && c2 >= 0 && c2 < w && !seen[r2 * w + c2];
    while (sp > 0) {
      const id = stack[sp - 1], r = (id - (id % w)) / w, c = id % w;
      let any = false;
      for (let k = 0; k < 4 && !any; k++) any = open(r + DR[k], c + DC[k]);
      if (!any) { sp--; continue; }                           // dead end: back up (no draws)
      // Try directions in uniformly random order (Fisher-Yates drawn lazily) until one is open.
      for (let i = 0; i < 4; i++) order[i] = i;
      let rr = -1, cc = -1;
      for (let i = 0; i < 4; i++) {
        const j = rng.int(i, 3), t = order[i]; order[i] = order[j]; order[j] = t;
        const r2 = r + DR[order[i]], c2 = c + DC[order[i]];
        if (open(r2, c2)) { rr = r2; cc = c2; break; }
      }
      seen[rr * w + cc] = 1;
      map[r + rr + 1][c + cc + 1] = ".";                       // knock down the wall between the cells
      map[2 * rr + 1][2 * cc + 1] = ".";
      stack[sp++] = rr * w + cc;
    }
    let s, e;
    do { s = [rng.int(0, h - 1), rng.int(0, w - 1)]; e = [rng.int(0, h - 1), rng.int(0, w - 1)]; }
    while (Math.abs(s[0] - e[0]) + Math.abs(s[1] - e[1]) < Math.min(h, w));
    map[2 * s[0] + 1][2 * s[1] + 1] = "S";
    map[2 * e[0] + 1][2 * e[1] + 1] = "E";
    return { map: map.map((row) => row.join("")) };
  },

  prompt(state) {
    return `Here is a maze ("#" = wall, "." = open, S = start, E = exit):\n\n${state.map.join("\n")}\n\n` +
      `Each move goes one character up (U), down (D), left (L) or right (R) and may not enter a wall. ` +
      `Give a sequence of moves that walks from S to E.\nAnswer with the moves as one string of letters, for example: RRDDLDRR`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const moves = answer.toUpperCase().replace(/[\s,;\-]+/g, "");
    if (!/^[UDLR]+$/.test(moves)) return 0;
    const map = state.map;
    let r = map.findIndex((row) => row.includes("S")), c = map[r].indexOf("S");
    for (const m of moves) {
      r += DIRS[m][0]; c += DIRS[m][1];
      if (r < 0 || r >= map.length || c < 0 || c >= map[r].length || map[r][c] === "#") return 0;
    }
    return map[r][c] === "E" ? 1 : 0;
  },

  solve(state) {
    // Breadth-first search over characters; the path is rebuilt from the parent moves.
    const map = state.map, H = map.length, W = map[0].length;
    const sr = map.findIndex((row) => row.includes("S")), sc = map[sr].indexOf("S");
    const from = new Map([[sr * W + sc, null]]);
    const queue = [[sr, sc]];
    for (let i = 0; i < queue.length; i++) {
      const [r, c] = queue[i];
      if (map[r][c] === "E") {
        let path = "", k = r * W + c;
        while (from.get(k)) { const [m, prev] = from.get(k); path = m + path; k = prev; }
        return path;
      }
      for (const m of "UDLR") {
        const rr = r + DIRS[m][0], cc = c + DIRS[m][1];
        if (rr >= 0 && rr < H && cc >= 0 && cc < W && map[rr][cc] !== "#" && !from.has(rr * W + cc)) {
          from.set(rr * W + cc, [m, r * W + c]);
          queue.push([rr, cc]);
        }
      }
    }
    return "";
  },
};
