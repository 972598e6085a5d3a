/**
 * The answers the automatic checks feed to verify: wrong ones (empty, garbage, perturbed
 * solutions) that must score 0, and adversarial ones (long, repetitive, near-miss, odd unicode)
 * on which verify must stay within limits and return a valid reward.
 */

/** Answers no task accepts: verify must return 0 (never throw) for each. */
export const GARBAGE_ANSWERS = ['', '   \n', 'zq#xv!garbage~'];

/** Small edits of a correct answer; usually wrong (several tasks have more than one correct answer). */
export function perturbations(solution: string): string[] {
  const out: string[] = [];
  const digits = [...solution.matchAll(/\d/g)];
  if (digits.length > 0) {
    const m = digits[digits.length - 1]!;
    const d = (Number(m[0]) + 1) % 10;
    out.push(solution.slice(0, m.index) + d + solution.slice(m.index! + 1));
  } else {
    const tokens = solution.trim().split(/(\s*[,;\s]\s*)/);
    if (tokens.length >= 3 && tokens[0] !== tokens[2]) {
      out.push([tokens[2], tokens[1], tokens[0], ...tokens.slice(3)].join(''));
    } else {
      const chars = [...solution.trim()];
      const rev = chars.slice().reverse().join('');
      if (rev !== solution.trim()) out.push(rev);
      else if (chars.length > 0) out.push(chars.map((c) => (c === c.toUpperCase() ? 'x' : 'y')).join(''));
    }
  }
  const t = solution.trim();
  if (t.length > 1) out.push(t.slice(0, Math.ceil(t.length / 2)));
  const norm = (s: string) => s.trim().toLowerCase();
  return [...new Set(out)].filter((a) => norm(a) !== norm(solution) && a.trim() !== '');
}

/** Long, repetitive, near-miss and odd-unicode answers built around a correct one. */
export function adversarialAnswers(solution: string): { label: string; answer: string }[] {
  const fullwidth = solution.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  return [
    { label: 'a 50,000-character run of one letter', answer: 'A'.repeat(50_000) },
    {
      label: 'the solution repeated to 40,000 characters',
      answer: (solution + ' ').repeat(Math.max(1, Math.ceil(40_000 / (solution.length + 1)))).slice(0, 40_000),
    },
    { label: '10,000 opening brackets', answer: '['.repeat(10_000) },
    { label: 'the solution in upper case with a trailing period', answer: solution.toUpperCase() + '.' },
    { label: 'the solution with full-width characters', answer: fullwidth },
    {
      label: 'the solution with zero-width spaces and a right-to-left override',
      answer: '\u200b' + solution.split('').join('\u200b') + '\u202e',
    },
    { label: 'a lone surrogate and emoji', answer: '\ud800' + '🙂'.repeat(500) + solution },
    { label: 'the solution wrapped in <answer> tags', answer: `<answer>${solution}</answer>` },
    { label: 'a JSON object', answer: '{"answer": null, "__proto__": {"x": 1}}' },
    { label: 'a number-like string', answer: '-1e309 NaN Infinity 0x1F' },
    ...answerSpaceAnswers(solution),
  ];
}

/**
 * Answers built from the answer space itself, where backtracking regexes and quadratic parsers
 * blow up: long runs of the solution's own characters with one wrong character at the end (a
 * regex that matches all but the last character retries from every position), the digits of the
 * solution repeated, separators repeated, nested brackets.
 */
export function answerSpaceAnswers(solution: string): { label: string; answer: string }[] {
  const chars = [...new Set([...solution.trim()])].filter((c) => c.trim() !== '');
  const alphabet = chars.length ? chars.join('') : 'a1';
  const run = (n: number) => alphabet.repeat(Math.ceil(n / alphabet.length)).slice(0, n);
  const digits = solution.replace(/\D/g, '') || '1234567890';
  const wrong = chars.includes('!') ? '~' : '!';
  const separators = [...new Set(solution.match(/[^\p{L}\p{N}]/gu) ?? [])].filter((c) => c !== ' ');
  const sep = separators[0] ?? ',';
  return [
    { label: "20,000 characters of the solution's alphabet ending in one wrong character", answer: run(20_000) + wrong },
    {
      label: "20,000 characters of the solution's alphabet, spaced, ending in one wrong character",
      answer: run(10_000).split('').join(' ') + wrong,
    },
    {
      label: "a 30,000-digit run of the solution's digits ending in a letter",
      answer: `${digits.repeat(Math.ceil(30_000 / digits.length)).slice(0, 30_000)}x`,
    },
    { label: 'the solution followed by 10,000 repeated separators', answer: solution + `${sep} `.repeat(10_000) },
    {
      label: '5,000 nested brackets around the solution',
      answer: `${'('.repeat(2_500)}${'['.repeat(2_500)}${solution}${']'.repeat(2_500)}${')'.repeat(2_500)}`,
    },
    {
      label: 'the solution repeated with its separators to 40,000 characters',
      answer: Array.from({ length: Math.max(2, Math.ceil(40_000 / (solution.length + 1))) }, () => solution)
        .join(sep)
        .slice(0, 40_000),
    },
  ];
}
