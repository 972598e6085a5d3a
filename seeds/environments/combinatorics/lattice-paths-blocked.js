// Counting lattice paths: monotone (right/down) paths through a grid that avoid blocked cells.
// The count is found by dynamic programming; blocked cells defeat the binomial shortcut.
function count(state) {
  const { rows, cols, blocked } = state, bad = new Set(blocked.map(([r, c]) => r * cols + c));
  const ways = Array.from({ length: rows }, () => Array(cols).fill(0));
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) {
    if (bad.has(r * cols + c)) continue;
    ways[r][c] = r === 0 && c === 0 ? 1 : (r > 0 ? ways[r - 1][c] : 0) + (c > 0 ? ways[r][c - 1] : 0);
  }
  return ways[rows - 1][cols - 1];
}

export default {
  name: "lattice-paths-blocked",
  description: "Count right/down paths across a grid that avoid blocked cells.",
  tags: ["combinatorics", "counting", "grid"],

  generate(rng, difficulty) {
    const rows = 5 + Math.ceil(difficulty / 2), cols = 5 + Math.floor((difficulty + 1) / 2) + rng.int(0, 2);
    for (;;) {
      const k = rng.int(2, 4 + Math.floor(difficulty * 0.8));
      const blocked = [];
      for (const cell of rng.shuffle([...Array(rows * cols).keys()].slice(1, -1)).slice(0, k)) blocked.push([Math.floor(cell / cols), cell % cols]);
      blocked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const state = { rows, cols, blocked };
      if (count(state) >= 3) return state;
    }
  },

  prompt(state) {
    const grid = [];
    for (let r = 0; r < state.rows; r++) {
      let line = "";
      for (let c = 0; c < state.cols; c++) line += state.blocked.some(([br, bc]) => br === r && bc === c) ? "#" : ".";
      grid.push(line);
    }
    return `A grid has ${state.rows} rows and ${state.cols} columns ("#" = blocked cell, "." = free cell):\n\n${grid.join("\n")}\n\n` +
      `A path starts in the top-left cell, ends in the bottom-right cell, moves only one cell right or one cell down at a time, and never enters a blocked cell. ` +
      `How many different paths are there?\nAnswer with a single integer.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.replace(/(\d),(?=\d{3}\b)/g, "$1").match(/\d+/g) || [];
    return nums.length === 1 && Number(nums[0]) === count(state) ? 1 : 0;
  },

  solve(state) {
    return String(count(state));
  },
};
