// Lighthouse 12.8.2 on one page, with its default settings: a mobile
// phone (Moto G Power screen), simulated slow 4G (150 ms RTT, 1.6 Mbit/s
// down, 750 kbit/s up) and a 4x slower CPU. Each run gets its own Chromium
// with a fresh profile; Lighthouse also clears the origin's storage (and so
// its service worker) before it loads the page. The run reported is
// Lighthouse's own median run (by FCP and TTI), as its docs advise.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import { computeMedianRun, filterToValidRuns } from 'lighthouse/core/lib/median-run.js';
import { startChromium } from './processes.mjs';

export const kCategories = ['performance', 'accessibility', 'best-practices'];
export const kMetrics = [
  ['first-contentful-paint', 'FCP'],
  ['largest-contentful-paint', 'LCP'],
  ['total-blocking-time', 'TBT'],
  ['cumulative-layout-shift', 'CLS'],
  ['speed-index', 'SI'],
];

async function once(url, reportBase) {
  const chromium = await startChromium();
  try {
    const result = await lighthouse(url, {
      port: chromium.port,
      output: ['json', 'html'],
      logLevel: 'error',
      onlyCategories: kCategories,
    });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const [json, html] = result.report;
    await writeFile(`${reportBase}.json`, json);
    await writeFile(`${reportBase}.html`, html);
    return result.lhr;
  } finally {
    await chromium.stop();
  }
}

// Audits of a category that did not pass: binary audits that failed, and
// scored ones (metrics, insights, diagnostics) below 0.9, worst first.
export function failingAudits(lhr, category) {
  return lhr.categories[category].auditRefs
    .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
    .filter(({ audit }) => audit && audit.score !== null && ['binary', 'numeric', 'metricSavings'].includes(audit.scoreDisplayMode))
    .filter(({ audit }) => (audit.scoreDisplayMode === 'binary' ? audit.score < 1 : audit.score < 0.9))
    .sort((a, b) => a.audit.score - b.audit.score || b.ref.weight - a.ref.weight)
    .map(({ ref, audit }) => ({ id: ref.id, score: audit.score, weight: ref.weight, title: audit.title, value: audit.displayValue ?? '' }));
}

export async function lighthousePage({ name, url, runs, reportDir }) {
  const lhrs = [];
  for (let i = 1; i <= runs; i += 1) {
    const lhr = await once(url, join(reportDir, `${name}-${i}`));
    const scores = kCategories.map((c) => Math.round(lhr.categories[c].score * 100)).join(' / ');
    const warnings = lhr.runWarnings.length ? `; warnings: ${lhr.runWarnings.join(' | ')}` : '';
    console.log(`  ${name} run ${i}/${runs}: ${scores} (benchmarkIndex ${Math.round(lhr.environment.benchmarkIndex)})${warnings}`);
    lhrs.push(lhr);
  }
  const valid = filterToValidRuns(lhrs);
  const median = valid.length ? computeMedianRun(valid) : lhrs[0];
  return { name, url, lhrs, median, medianIndex: lhrs.indexOf(median) + 1 };
}
