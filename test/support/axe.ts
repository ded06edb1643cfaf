// An accessibility audit of what a page shows now, by axe-core run inside the page (open shadow roots
// included, so the widget is audited too). Only `serious` and `critical` findings are returned: issue 8 asks
// for none of those in the widget and the console.
import axe from 'axe-core';
import type { Page } from 'playwright-core';

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending nodes (shadow-piercing paths as arrays joined by " >>> ") */
  targets: string[];
  /** axe's explanation for the first offending node */
  summary: string;
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules, plus best practices) on the page and returns the serious and
 * critical violations, readable in a failed `expect(...).toEqual([])`. `include` limits the audit to a part
 * of the page, e.g. `['tandem-chat']` for the widget alone.
 */
export async function seriousViolations(page: Page, include?: string[]): Promise<AxeFinding[]> {
  // Evaluated through the DevTools protocol, so the page's strict CSP (no inline scripts) does not stop it.
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(`${axe.source}\n;window.axe = axe;`);
  const findings = await page.evaluate(async (context) => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const result = await run(context ? { include: context } : document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        help: v.help,
        targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' >>> ')),
        summary: v.nodes[0]?.failureSummary ?? '',
      }));
  }, include ?? null);
  return findings;
}
