/**
 * What the judges, the red team and the reviser are shown, as prompt text: sampled instances
 * (question, state, solve()'s answer), the automatic checks' report with its failing cases, and
 * every earlier round's verdicts. Clipped so one huge state cannot crowd out the rest.
 */
import type { RoundVerdicts } from '../contracts/revision';
import { type CheckExample, type CheckReport, checkFeedback } from '../sandbox/checks';

export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}… (${s.length - n} more characters)` : s);

/** One sampled instance as the LLM sees it; `error` when sampling or solving failed. */
export interface InstanceEvidence {
  seed: number;
  difficulty: number;
  state?: string;
  prompt?: string;
  answer?: string;
  error?: string;
}

export function formatInstances(xs: InstanceEvidence[], show: { state: boolean; numbered?: boolean }): string {
  return xs
    .map((x, i) => {
      const head = `--- ${show.numbered ? `instance ${i + 1}: ` : ''}seed ${x.seed}, difficulty ${x.difficulty}`;
      if (x.error) return `${head}\n(${x.error})`;
      return [
        head,
        show.state && x.state !== undefined ? `state (JSON): ${clip(x.state, 2000)}` : '',
        `question:\n${clip(x.prompt ?? '', 3000)}`,
        `solve() answers: ${JSON.stringify(clip(x.answer ?? '', 500))}`,
      ]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n\n');
}

export function formatExample(e: CheckExample): string {
  const result = e.error ? `verify failed: ${e.error}` : e.reward !== undefined ? `verify returned ${e.reward}` : '';
  return [
    `  seed ${e.seed}, difficulty ${e.difficulty}; state: ${e.state}`,
    e.answer !== undefined ? `  answer: ${JSON.stringify(e.answer)}${result ? ` -> ${result}` : ''}` : result ? `  ${result}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The failing checks with their reasons and the failing cases (state, answer, result) the report carries. */
export function checksFeedback(report: CheckReport): string {
  const cases = report.checks
    .filter((c) => !c.ok && c.examples?.length)
    .map((c) => `- ${c.name}:\n${c.examples!.map(formatExample).join('\n')}`);
  return cases.length ? `${checkFeedback(report)}\n\nFailing cases:\n${cases.join('\n')}` : checkFeedback(report);
}

/** The whole report, passing checks included: the code judge reads what was measured. */
export function formatReport(report: Pick<CheckReport, 'ok' | 'checks'>): string {
  return report.checks.map((c) => `- ${c.name}: ${c.ok ? 'ok' : 'FAILED'} — ${clip(c.detail, 600)}`).join('\n');
}

/** Every earlier round's verdicts, oldest first, so the reviser does not undo an earlier fix. */
export function formatHistory(rounds: RoundVerdicts[]): string {
  if (!rounds.length) return '(no earlier rounds)';
  return rounds
    .map((r) => {
      const gates = r.gates.map((g) => {
        const scores = g.scores && Object.keys(g.scores).length ? ` scores ${JSON.stringify(g.scores)}` : '';
        return `[${g.gate}: ${g.verdict}]${scores}${g.feedback ? `\n${clip(g.feedback, 6000)}` : ''}`;
      });
      return `### Round ${r.round + 1}\n${gates.join('\n\n')}`;
    })
    .join('\n\n');
}
