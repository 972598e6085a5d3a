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
    const seen = Array.from({ length: h }, () => Array(w).fill(false));
    const stack = [[rng.int(0, h - 1), rng.int(0, w - 1)]];
    seen[stack[0][0]][stack[0][1]] = true;
    map[2 * stack[0][0] + 1][2 * stack[0][1] + 1] = ".";
    while (stack.length) {                                    // iterative DFS: no deep recursion
      const [r, c] = stack[stack.length - 1];
      const next = rng.shuffle(Object.values(DIRS)).map(([dr, dc]) => [r + dr, c + dc])
        .find(([rr, cc]) => rr >= 0 && rr < h && cc >= 0 && cc < w && !seen[rr][cc]);
      if (!next) { stack.pop(); continue; }
      const [rr, cc] = next;
      seen[rr][cc] = true;
      map[r + rr + 1][c + cc + 1] = ".";                       // knock down the wall between the cells
      map[2 * rr + 1][2 * cc + 1] = ".";
      stack.push(next);
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
