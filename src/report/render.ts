/**
 * Vega-Lite spec -> static SVG (vega-lite compile, vega headless view, renderer 'none'), with an
 * accessible name (role="img", aria-label, <title>) and ids made unique per chart. Browser-safe
 * (vega runs in browsers and in Node without canvas), but kept out of the main entry so the
 * library bundle does not pull vega in: import it from `deepmine/report`.
 */
import * as vl from 'vega-lite';
import * as vega from 'vega';
import type { Chart } from './charts.js';

/** HTML-escape text for element content and quoted attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Versions of the chart libraries (for the run card). */
export const CHART_VERSIONS = { 'vega-lite': vl.version, vega: vega.version };

const quietLogger = { level(_?: number) { return quietLogger; }, error(...a: unknown[]) { void a; return quietLogger; }, warn() { return quietLogger; }, info() { return quietLogger; }, debug() { return quietLogger; } };

/** Render one chart to an SVG string (no script, no external reference). */
export async function renderSvg(chart: Chart): Promise<string> {
  const compiled = vl.compile(chart.spec as never, { logger: quietLogger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  let svg = await view.toSVG();
  view.finalize();
  const prefix = `c-${chart.id}`;
  svg = svg
    // vega's per-mark ARIA attributes: the whole chart is one image with a name and a data table
    .replace(/\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/(?:xlink:)?href="#([^"]+)"/g, (m, id: string) => m.replace(`#${id}`, `#${prefix}-${id}`));
  const name = esc(chart.description);
  return svg.replace(/^<svg\s/, () => `<svg role="img" aria-label="${name}" focusable="false" `).replace(/^(<svg[^>]*>)/, (open: string) => `${open}<title>${name}</title>`);
}
