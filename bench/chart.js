// Renders a benchmark record as an SVG bar chart: one group per scenario,
// bars as a percentage of Fastify's figure (the peer to beat) so that scenarios
// of very different magnitudes share one axis.
'use strict';

const COLORS = { 'fastapi-ts': '#059669', fastify: '#2563eb', bare: '#6b7280', hono: '#ea580c' };
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** @param {{date: string, node: string, results: Record<string, Record<string, {rps: number}>>}} record */
function renderChart(record) {
  const scenarios = Object.keys(record.results);
  const servers = [...new Set(scenarios.flatMap((s) => Object.keys(record.results[s])))];
  const barW = 22;
  const groupW = servers.length * barW + 30;
  const left = 50;
  const top = 40;
  const plotH = 260;
  const width = left + scenarios.length * groupW + 20;
  const height = top + plotH + 90;
  const percents = scenarios.flatMap((s) => {
    const base = record.results[s].fastify?.rps;
    return Object.values(record.results[s]).map((r) => (base ? (100 * r.rps) / base : 100));
  });
  const max = Math.max(150, Math.ceil(Math.max(...percents) / 50) * 50);
  const y = (p) => top + plotH - (p / max) * plotH;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13" font-weight="bold">Throughput relative to Fastify + zod (100 %), ${escape(record.node)}, ${escape(record.date.slice(0, 10))}</text>`,
  ];
  for (let p = 0; p <= max; p += 50) {
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y(p)}" y2="${y(p)}" stroke="${p === 100 ? '#999' : '#eee'}"/>`);
    parts.push(`<text x="${left - 6}" y="${y(p) + 4}" text-anchor="end">${p}%</text>`);
  }
  scenarios.forEach((scenario, i) => {
    const x0 = left + 15 + i * groupW;
    const base = record.results[scenario].fastify?.rps;
    servers.forEach((server, j) => {
      const r = record.results[scenario][server];
      if (!r) return;
      const pct = base ? (100 * r.rps) / base : 100;
      const x = x0 + j * barW;
      parts.push(`<rect x="${x}" y="${y(pct)}" width="${barW - 4}" height="${y(0) - y(pct)}" fill="${COLORS[server] ?? '#888'}"><title>${escape(server)}: ${r.rps.toFixed(0)}/s</title></rect>`);
      parts.push(`<text x="${x + (barW - 4) / 2}" y="${y(pct) - 3}" text-anchor="middle" font-size="9">${pct.toFixed(0)}</text>`);
    });
    parts.push(`<text x="${x0 + (servers.length * barW) / 2}" y="${top + plotH + 16}" text-anchor="middle">${escape(scenario)}</text>`);
  });
  servers.forEach((server, j) => {
    const x = left + j * 110;
    parts.push(`<rect x="${x}" y="${height - 30}" width="12" height="12" fill="${COLORS[server] ?? '#888'}"/>`);
    parts.push(`<text x="${x + 16}" y="${height - 20}">${escape(server)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

module.exports = { renderChart };
