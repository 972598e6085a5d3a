/**
 * The one place answers are read from model output (docs/answers.md): every prompt ends with
 * ANSWER_INSTRUCTION; graders take the last <answer> block and strip the usual wrappers before
 * verify sees the answer.
 */

/** Appended to every environment prompt (datasets, calibration, the reward service's instances). */
export const ANSWER_INSTRUCTION =
  'Think it through, then give your final answer inside <answer></answer> tags at the end of your response, ' +
  'for example <answer>your answer here</answer>. Only the content of the last <answer>...</answer> block is graded.';

const OPEN = /<answer>/gi;
const CLOSE = /<\/answer>/gi;

/** Index of the last match of a global regex in s at or before `before` (exclusive end), or -1. */
function lastMatch(re: RegExp, s: string, before = s.length): { index: number; length: number } | null {
  re.lastIndex = 0;
  let found: { index: number; length: number } | null = null;
  for (let m = re.exec(s); m && m.index + m[0].length <= before; m = re.exec(s)) found = { index: m.index, length: m[0].length };
  return found;
}

/**
 * The raw content of the LAST complete <answer>...</answer> in a response (case-insensitive tags,
 * content trimmed), or null when there is none. A last block opened but never closed (a
 * truncated response) does not count; an earlier closed block still does. Indices come from
 * matching the original string (never a case-folded copy, whose length can differ: "İ".toLowerCase()
 * is two code units).
 */
export function extractRawAnswer(response: string): string | null {
  if (typeof response !== 'string') return null;
  const close = lastMatch(CLOSE, response);
  if (!close) return null;
  const open = lastMatch(OPEN, response, close.index);
  if (!open) return null;
  // The block that opener starts ends at the first closing tag after it.
  CLOSE.lastIndex = open.index + open.length;
  const end = CLOSE.exec(response)!;
  return response.slice(open.index + open.length, end.index).trim();
}

/**
 * The wrappers stripped before verify, in the order tried. Each one only removes text at the two
 * ends of the answer and only when it encloses the WHOLE answer, so what verify sees is always a
 * contiguous piece of what the model wrote as its final answer (see docs/answers.md for why none
 * can turn a wrong answer into a right one).
 */
export const ANSWER_WRAPPERS: readonly { name: string; wrap(a: string): string; strip(a: string): string | null }[] = [
  { name: '\\boxed{...}', wrap: (a) => `\\boxed{${a}}`, strip: (a) => enclosed(a, /^\\boxed\s*\{/, '}') },
  { name: '$...$', wrap: (a) => `$${a}$`, strip: (a) => between(a, '$$', '$$') ?? between(a, '$', '$') },
  { name: '\\(...\\)', wrap: (a) => `\\(${a}\\)`, strip: (a) => between(a, '\\(', '\\)') ?? between(a, '\\[', '\\]') },
  { name: '**...**', wrap: (a) => `**${a}**`, strip: (a) => between(a, '**', '**') },
  { name: '`...`', wrap: (a) => `\`${a}\``, strip: (a) => between(a, '`', '`') },
  {
    name: 'a leading "The answer is"',
    wrap: (a) => `The answer is ${a}`,
    strip: (a) => prefix(a, /^(?:so,?\s+)?(?:the\s+)?(?:final\s+)?answer\s*(?:is|:|=)\s*:?\s*/i),
  },
  {
    name: 'a leading "x ="',
    wrap: (a) => `x = ${a}`,
    strip: (a) => {
      // One "x = value" statement only: "a=1, b=0" is an assignment answer, not a wrapped value.
      const rest = prefix(a, /^[a-zA-Z]\s*=\s*(?=\S)/);
      return rest !== null && !rest.includes('=') ? rest : null;
    },
  },
  { name: 'a trailing period', wrap: (a) => `${a}.`, strip: (a) => (/[^.]\.$/.test(a) ? a.slice(0, -1) : null) },
];

function between(a: string, open: string, close: string): string | null {
  if (a.length < open.length + close.length + 1 || !a.startsWith(open) || !a.endsWith(close)) return null;
  const inner = a.slice(open.length, a.length - close.length);
  // "$1$ and $2$" is two formulas, not one wrapped answer.
  return inner.includes(open) || inner.includes(close) ? null : inner;
}

/** `\boxed{...}` whose closing brace is the one matching the opening brace and ends the answer. */
function enclosed(a: string, open: RegExp, close: string): string | null {
  const m = open.exec(a);
  if (!m || !a.endsWith(close)) return null;
  let depth = 1;
  for (let i = m[0].length; i < a.length; i++) {
    if (a[i] === '{') depth++;
    else if (a[i] === '}' && --depth === 0) return i === a.length - 1 ? a.slice(m[0].length, i) : null;
  }
  return null;
}

function prefix(a: string, re: RegExp): string | null {
  const m = re.exec(a);
  return m && m[0].length < a.length ? a.slice(m[0].length) : null;
}

/** Rounds of stripping (`**$\boxed{3}$**.` takes four); bounded so the cost is linear in the answer. */
const MAX_ROUNDS = 8;

/** Strips the wrappers of ANSWER_WRAPPERS from a final answer (trimmed), repeatedly. */
export function normaliseAnswer(answer: string): string {
  let a = answer.trim();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let changed = false;
    for (const w of ANSWER_WRAPPERS) {
      const s = w.strip(a);
      if (s !== null && s.trim() !== '') {
        a = s.trim();
        changed = true;
      }
    }
    if (!changed) break;
  }
  return a;
}

/**
 * The answer verify sees for a model response: the last complete <answer> block, normalised;
 * null when the response has none. Every grader (reward service, calibration, `resyn env score`)
 * goes through this.
 */
export function extractAnswer(response: string): string | null {
  const raw = extractRawAnswer(response);
  return raw === null ? null : normaliseAnswer(raw);
}
