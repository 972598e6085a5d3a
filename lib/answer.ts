/** The one answer format: every prompt ends with ANSWER_INSTRUCTION; graders read the last <answer> block. */

/** Appended to every environment prompt (datasets, calibration, the reward service's instances). */
export const ANSWER_INSTRUCTION =
  'Think it through, then give your final answer inside <answer></answer> tags at the end of your response, ' +
  'for example <answer>your answer here</answer>. Only the content of the last <answer>...</answer> block is graded.';

/**
 * The content of the LAST complete <answer>...</answer> in a response (case-insensitive tags,
 * content trimmed), or null when there is none. A last block opened but never closed (a
 * truncated response) does not count; an earlier closed block still does.
 */
export function extractAnswer(response: string): string | null {
  if (typeof response !== 'string') return null;
  const lower = response.toLowerCase();
  const close = lower.lastIndexOf('</answer>');
  if (close < 0) return null;
  const open = lower.lastIndexOf('<answer>', close);
  if (open < 0) return null;
  return response.slice(open + '<answer>'.length, close).trim();
}
