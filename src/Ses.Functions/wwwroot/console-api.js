// The console's connection to the API and its vocabulary in words. The key stays in this browser tab only.
export const session = { key: sessionStorage.getItem("ses-key") || "", summary: null, generation: 0 };

export class ApiError extends Error {
  constructor(status, problem) {
    super(`${status} ${problem.title || ""}`.trim());
    this.status = status;
    this.problem = problem;
  }
}

// Every answer is checked against the key it was asked with: an answer for a previous key is dropped, never shown.
export async function api(path, options = {}) {
  const generation = session.generation;
  const headers = { "x-functions-key": session.key, ...(options.headers || {}) };
  let body = options.body;
  if (body && !(body instanceof FormData)) { headers["content-type"] = "application/json"; body = JSON.stringify(body); }
  const response = await fetch(path, { method: options.method || "GET", headers, body, cache: "no-store" });
  if (generation !== session.generation) throw new ApiError(0, { title: "The key changed." });
  const text = await response.text();
  const data = text && (response.headers.get("content-type") || "").includes("json") ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, typeof data === "object" ? data : { title: response.statusText });
  return data;
}

export async function allPages(path, params) {
  const items = [];
  let token = null;
  do {
    const query = new URLSearchParams(params);
    query.set("pageSize", "200");
    if (token) query.set("continuationToken", token);
    const page = await api(`${path}?${query}`);
    items.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return items;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

const acronyms = { ucpr1: "UCPR1", uc452: "UC452", isp: "ISP", sro: "SRO", prap: "PRaP", scr: "SCR", uc: "UC", jcp: "JCP", spoc: "SPoC", mappa: "MAPPA", esa: "ESA", jsa: "JSA" };
export function words(slug) {
  if (!slug) return "";
  const text = slug.split("-").map((w) => acronyms[w] || w).join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const deadlineNames = {
  "ucpr1-chase": "UCPR1 chase", "first-meeting": "First meeting", start: "Start on provision", "prap-cancel": "PRaP cancellation",
  "isp-agreed": "ISP agreed", "isp-review": "ISP review", "provision-end": "End of provision", "tracking-window": "Tracking window",
  "short-outcome": "Short outcome", "sustained-outcome": "Sustained outcome",
};
export const deadlineName = (kind) => deadlineNames[kind] || words(kind);

const phaseNames = { introduced: "Introduced (SRO)", referred: "Referred", assessed: "Assessed", "on-provision": "On provision", tracking: "In tracking", "in-work": "In work", closed: "Closed" };
export const phaseName = (phase) => phaseNames[phase] || words(phase);

// Dates (YYYY-MM-DD on the wire) are shown and typed as dd/mm/yyyy (British English), with the weekday where it helps;
// timestamps are shown in London local time.
export function formatDate(date, withWeekday = true) {
  if (!date) return "";
  const [y, m, d] = date.split("-").map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", { timeZone: "UTC", weekday: "short" });
  const text = `${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}/${y}`;
  return withWeekday ? `${weekday} ${text}` : text;
}

export function formatTime(timestamp) {
  if (!timestamp) return "";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "short", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .formatToParts(new Date(timestamp)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day}/${parts.month}/${parts.year}, ${parts.hour}:${parts.minute}`;
}

// A date typed as dd/mm/yyyy (d/m/yyyy too) as the API's YYYY-MM-DD; null when it is no such calendar date.
export function parseDate(text) {
  const match = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(text || "");
  if (!match) return null;
  const [d, m, y] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export const dateHint = "Enter the date as dd/mm/yyyy, for example 02/03/2026.";

export function addDays(date, days) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function announce(text) {
  $("#live").textContent = "";
  setTimeout(() => { $("#live").textContent = text; }, 50);
}

export const can = {
  operator: () => session.summary?.role === "operator",
  write: () => ["provider", "operator"].includes(session.summary?.role),
  documents: () => ["provider", "nominated-officer"].includes(session.summary?.role),
};

// Rows of a table open with a click, Enter or Space, and are reachable with Tab.
export function openableRow(cells, open, label) {
  const tr = el("tr", { class: "openable", tabindex: "0", "aria-label": label, onclick: open,
    onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } } });
  cells.forEach((c) => tr.append(c));
  return tr;
}

export const td = (text, className) => el("td", { text: text ?? "", class: className });
