// The statistics of SPEC 7 in the shape of the official SES publication: tables, charts, as-of date, rounding, CSV per table.
import { $, el, api, session, announce, ApiError, parseDate, dateHint, formatDate } from "./console-api.js";

const charts = [];
export function resetStatistics() {
  charts.splice(0).forEach((c) => c.destroy());
  $("#stats-tables").replaceChildren();
  $("#stats-status").textContent = "";
}

// The one place numbers are written: counts with thousands separators, rates as percentages, missing as a dash.
export const formatCount = (v) => (v === null || v === undefined ? "–" : Number(v).toLocaleString("en-GB", { maximumFractionDigits: 2 }));
export const formatRate = (v) => (v === null || v === undefined ? "–" : `${Number(v).toLocaleString("en-GB", { maximumFractionDigits: 1 })}%`);

const outcomeColumns = [
  ["starts", "Starts", formatCount], ["shortOutcomes", "Short outcomes", formatCount], ["sustainedOutcomes", "Sustained outcomes", formatCount],
  ["shortRate", "Short outcome rate", formatRate], ["sustainedRate", "Sustained outcome rate", formatRate],
];

function tables(report) {
  return [
    { name: "lifetime", title: "Referrals and starts since the programme began", path: "lifetime", rows: [report.lifetime],
      columns: [["referrals", "Referrals", formatCount], ["starts", "Starts", formatCount], ["startRate", "Start rate (of referrals)", formatRate]] },
    { name: "monthly", title: "Table 1: referrals and starts by month", path: "monthly", rows: report.monthly,
      columns: [["month", "Month"], ["referrals", "Referrals", formatCount], ["starts", "Starts", formatCount]],
      chart: { type: "bar", label: "month", series: [["referrals", "Referrals"], ["starts", "Starts"]], y: "Count" } },
    { name: "time-to-outcome", title: "Table 2: cumulative share of outcomes by months from start", path: "timeToOutcome", rows: report.timeToOutcome,
      columns: [["months", "Months from start"], ["shortCumulativeShare", "Short outcomes (cumulative)", formatRate], ["sustainedCumulativeShare", "Sustained outcomes (cumulative)", formatRate]],
      chart: { type: "line", label: "months", series: [["shortCumulativeShare", "Short outcomes"], ["sustainedCumulativeShare", "Sustained outcomes"]], y: "% of outcomes achieved", percent: true } },
    { name: "cohorts", title: "Table 3: outcome rates by start quarter (cohorts with 18 months of tracking)", path: "cohorts",
      rows: [...report.cohorts, report.cohortTotal], columns: [["key", "Start quarter"], ...outcomeColumns],
      chart: { type: "bar", label: "key", rows: report.cohorts, series: [["shortRate", "Short outcome rate"], ["sustainedRate", "Sustained outcome rate"]], y: "% of starts", percent: true } },
    { name: "benefit", title: "Table 4: outcome rates by benefit at referral", path: "byBenefit", rows: report.byBenefit,
      columns: [["key", "Benefit"], ...outcomeColumns],
      chart: { type: "bar", label: "key", series: [["shortRate", "Short outcome rate"], ["sustainedRate", "Sustained outcome rate"]], y: "% of starts", percent: true } },
    { name: "employment-history", title: "Table 5: outcome rates by employment in the 2 years before start", path: "byEmploymentHistory", rows: report.byEmploymentHistory,
      columns: [["key", "Employment history"], ...outcomeColumns],
      chart: { type: "bar", label: "key", series: [["shortRate", "Short outcome rate"], ["sustainedRate", "Sustained outcome rate"]], y: "% of starts", percent: true } },
    { name: "providers", title: "Table 6: provider performance against the 30% (short) and 18% (sustained) expectations", path: "providers", rows: report.providers,
      columns: [["provider", "Provider"], ["starts", "Starts", formatCount], ["shortOutcomes", "Short outcomes", formatCount], ["shortExpected", "Short expected (30%)", formatCount],
        ["shortPerformance", "Short performance (of expected)", formatRate], ["sustainedOutcomes", "Sustained outcomes", formatCount],
        ["sustainedExpected", "Sustained expected (18%)", formatCount], ["sustainedPerformance", "Sustained performance (of expected)", formatRate]],
      chart: { type: "bar", label: "provider", series: [["shortPerformance", "Short, % of expectation"], ["sustainedPerformance", "Sustained, % of expectation"]], y: "% of expectation", percent: true, line100: true } },
  ];
}

export async function loadStatistics() {
  resetStatistics();
  const params = statsParams();
  if (!params) { $("#stats-status").textContent = `As of: ${dateHint}`; $("#as-of").setAttribute("aria-invalid", "true"); return; }
  $("#as-of").removeAttribute("aria-invalid");
  $("#stats-status").textContent = "Loading…";
  try {
    const report = await api(`/api/reports/statistics?${params}`);
    $("#stats-status").textContent = `As of ${formatDate(report.asOf, false)}${report.rounding === "publication" ? ", rounded as the publication does (counts to 10, rates to whole percents)" : ", unrounded"}` +
      (report.cohortStartsTo ? `; outcome cohorts are starts up to ${formatDate(report.cohortStartsTo, false)}.` : "; no start cohort has 18 months of tracking yet.");
    $("#stats-tables").replaceChildren(...tables(report).map(section));
    announce("Statistics loaded.");
  } catch (error) {
    $("#stats-status").textContent = error instanceof ApiError ? `${error.message} ${Object.values(error.problem.errors || {}).flat().join(" ")}` : error.message;
  }
}

// The query of the report; null when the as-of date is not a dd/mm/yyyy date.
function statsParams() {
  const params = new URLSearchParams();
  const asOf = $("#as-of").value.trim();
  if (asOf) {
    const date = parseDate(asOf);
    if (!date) return null;
    params.set("asOf", date);
  }
  params.set("rounding", $("#rounding").checked ? "publication" : "none");
  return params;
}

function section(t) {
  const id = `table-${t.name}`;
  const head = el("tr", {}, t.columns.map(([, label]) => el("th", { scope: "col", text: label })));
  const body = t.rows.map((row, i) => el("tr", {}, t.columns.map(([key, , format], c) => {
    const index = t.path === "cohorts" && i === t.rows.length - 1 ? "cohortTotal" : `${t.path}.${i}`;
    const path = t.path === "lifetime" ? `lifetime.${key}` : `${index}.${key}`;
    return c === 0 && !format ? el("th", { scope: "row", text: String(row[key]) })
      : el("td", { class: "num", "data-json": path, text: format ? format(row[key]) : String(row[key]) });
  })));
  const nodes = [el("h3", { id: `${id}-title`, text: t.title })];
  if (t.chart && t.rows.length > 0) {
    const canvas = el("canvas", { id: `chart-${t.name}`, role: "img", "aria-label": `Chart of ${t.title}; the numbers are in the table below.` });
    nodes.push(el("div", { class: "chart" }, canvas));
    queueMicrotask(() => draw(canvas, t));
  }
  nodes.push(el("table", { id, "aria-labelledby": `${id}-title` }, el("thead", {}, head), el("tbody", {}, body)));
  nodes.push(el("button", { type: "button", class: "download", "data-table": t.name, onclick: () => download(t.name) }, `Download CSV: ${t.title.split(":")[0]}`));
  if (t.rows.length === 0) nodes.push(el("p", { class: "muted", text: "No rows yet." }));
  return el("section", { class: "stats-table", "aria-labelledby": `${id}-title` }, nodes);
}

const palette = ["#0b3d63", "#b35c00", "#00703c"];
function draw(canvas, t) {
  if (!window.Chart) return;
  const rows = t.chart.rows || t.rows;
  const datasets = t.chart.series.map(([key, label], i) => ({ label, data: rows.map((r) => r[key]), backgroundColor: palette[i], borderColor: palette[i], fill: false }));
  if (t.chart.line100) datasets.push({ type: "line", label: "Expectation (100%)", data: rows.map(() => 100), borderColor: "#a4000f", borderDash: [6, 4], pointRadius: 0 });
  charts.push(new window.Chart(canvas, {
    type: t.chart.type,
    data: { labels: rows.map((r) => String(r[t.chart.label])), datasets },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: t.chart.y }, ticks: t.chart.percent ? { callback: (v) => `${v}%` } : {} } } },
  }));
}

async function download(table) {
  const params = statsParams();
  if (!params) return;
  params.set("format", "csv");
  params.set("table", table);
  const response = await fetch(`/api/reports/statistics?${params}`, { headers: { "x-functions-key": session.key }, cache: "no-store" });
  if (!response.ok) { $("#stats-status").textContent = `Download failed: ${response.status}`; return; }
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "")?.[1] || `${table}.csv`;
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function bindStatistics() {
  $("#stats-form").addEventListener("submit", (e) => { e.preventDefault(); loadStatistics(); });
}
