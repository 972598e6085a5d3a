/**
 * The child workflow id rule: growLibrary starts one synthesizeEnvironment per proposal under a
 * deterministic id, so a continued or restarted run never redoes a finished child, and resume
 * (which looks children up by id in the registry and on the server) finds the same ones. One
 * function, used by all three.
 */

/** Deterministic, id-safe slug of a keyword plus a short hash (two keywords never share a child id). */
export function keywordSlug(keyword: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < keyword.length; i++) h = Math.imul(h ^ keyword.charCodeAt(i), 0x01000193) >>> 0;
  const slug =
    keyword
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'kw';
  return `${slug}-${h.toString(16).padStart(8, '0')}`;
}

/** `<grow id>/<keyword slug>/<proposal index>`: the id of the synthesizeEnvironment child for one proposal. */
export function synthesisChildId(growId: string, keyword: string, index: number): string {
  return `${growId}/${keywordSlug(keyword)}/${index}`;
}
