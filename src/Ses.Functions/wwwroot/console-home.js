// The caseload: tiles with counts that open their list, the list (filters of the API, search, sorting) and the week.
import { $, el, api, allPages, session, td, openableRow, formatDate, deadlineName, phaseName, addDays, announce } from "./console-api.js";

const view = { rows: [], tile: null, sort: { column: "nextDue", ascending: true }, search: "" };

const columns = [
  { key: "referralId", label: "Referral ID" },
  { key: "provider", label: "Provider" },
  { key: "phase", label: "Phase" },
  { key: "nextDeadline", label: "Next deadline" },
  { key: "nextDue", label: "Due" },
  { key: "flags", label: "Flags" },
];

export function resetHome() {
  view.rows = []; view.tile = null; view.search = "";
  $("#tiles").replaceChildren();
  $("#journeys tbody").replaceChildren();
  $("#week-days").replaceChildren();
  $("#search").value = "";
  $("#list-status").textContent = "";
}

export async function loadSummary() {
  session.summary = await api("/api/caseload/summary");
  return session.summary;
}

export function renderTiles(navigate) {
  const tiles = session.summary.tiles.map((t) => el("li", {},
    el("a", { href: `#/list/${t.key}`, class: `tile tile-${t.key}`, "data-tile": t.key, "aria-current": view.tile === t.key ? "true" : null },
      el("span", { class: "tile-count", text: String(t.count) }), el("span", { class: "tile-label", text: t.label }))));
  $("#tiles").replaceChildren(...tiles);
  $("#today").textContent = `Today is ${formatDate(session.summary.today)}; this week runs to ${formatDate(session.summary.weekEnds)}.`;
}

function filters() {
  const params = {};
  if ($("#phase").value) params.phase = $("#phase").value;
  if ($("#provider").value) params.provider = $("#provider").value;
  if ($("#due-before").value) params.dueBefore = $("#due-before").value;
  if ($("#overdue").checked) params.overdue = "true";
  return params;
}

export async function loadList(tileKey, navigate) {
  view.tile = tileKey || null;
  renderTiles(navigate);
  view.rows = await allPages("/api/journeys", filters());
  renderList(navigate);
}

function flags(j) {
  return [j.overdue ? "Missed a deadline" : "", j.restricted ? "Restricted" : "", j.closure ? words2(j.closure) : ""].filter(Boolean).join(", ");
}
const words2 = (closure) => `Closed: ${closure.replaceAll("-", " ")}`;

function valueOf(j, column) {
  if (column === "flags") return flags(j);
  if (column === "phase") return phaseName(j.phase);
  if (column === "nextDeadline") return j.nextDeadline ? deadlineName(j.nextDeadline) : "";
  return j[column] ?? "";
}

function visibleRows() {
  const tile = view.tile && session.summary.tiles.find((t) => t.key === view.tile);
  const ids = tile ? new Set(tile.journeyIds) : null;
  const search = view.search.trim().toLowerCase();
  const rows = view.rows.filter((j) => (!ids || ids.has(j.journeyId))
    && (!search || j.referralId.toLowerCase().includes(search) || j.journeyId.toLowerCase().includes(search)));
  const { column, ascending } = view.sort;
  // Blank values (no pending deadline) sort last either way.
  return rows.sort((a, b) => {
    const x = String(valueOf(a, column)), y = String(valueOf(b, column));
    if (!x !== !y) return x ? -1 : 1;
    return (ascending ? 1 : -1) * x.localeCompare(y, "en-GB", { numeric: true });
  });
}

export function renderList(navigate) {
  const head = columns.map((c) => {
    const sorted = view.sort.column === c.key;
    return el("th", { scope: "col", "aria-sort": sorted ? (view.sort.ascending ? "ascending" : "descending") : "none" },
      el("button", { type: "button", class: "sort", "data-sort": c.key, onclick: () => {
        view.sort = { column: c.key, ascending: sorted ? !view.sort.ascending : true };
        renderList(navigate);
        $(`button[data-sort='${c.key}']`).focus();
      } }, c.label, el("span", { "aria-hidden": "true", text: sorted ? (view.sort.ascending ? " ▲" : " ▼") : "" })));
  });
  $("#journeys thead").replaceChildren(el("tr", {}, head));
  const rows = visibleRows();
  $("#journeys tbody").replaceChildren(...rows.map((j) => {
    const tr = openableRow([
      td(j.referralId), td(j.provider), td(phaseName(j.phase)),
      td(j.nextDeadline ? deadlineName(j.nextDeadline) : "None pending", j.nextDeadline ? "" : "muted"),
      td(formatDate(j.nextDue)), td(flags(j), j.overdue ? "overdue" : ""),
    ], () => navigate(`#/journey/${encodeURIComponent(j.journeyId)}`), `Open journey ${j.referralId}`);
    tr.dataset.id = j.journeyId;
    return tr;
  }));
  const tile = view.tile && session.summary.tiles.find((t) => t.key === view.tile);
  $("#list-title").textContent = tile ? tile.label : "All journeys";
  $("#list-status").textContent = `${rows.length} journey(s)`;
}

export function bindHome(navigate) {
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); loadList(view.tile, navigate).catch(showError); });
  $("#search").addEventListener("input", () => { view.search = $("#search").value; renderList(navigate); });
  $("#clear-tile").addEventListener("click", () => navigate("#/"));
}

function showError(error) { $("#list-status").textContent = error.message; }

export async function loadWeek(navigate) {
  const { today, weekEnds } = session.summary;
  const rows = await allPages("/api/journeys", { dueBefore: addDays(weekEnds, 1) });
  const days = [];
  for (let day = today; day <= weekEnds; day = addDays(day, 1)) days.push(day);
  const sections = days.map((day) => {
    const due = rows.filter((j) => j.nextDue === day).sort((a, b) => a.referralId.localeCompare(b.referralId));
    return el("section", { class: "day", "aria-labelledby": `day-${day}` },
      el("h3", { id: `day-${day}`, text: `${formatDate(day)}${day === today ? " (today)" : ""} — ${due.length} due` }),
      due.length === 0 ? el("p", { class: "muted", text: "Nothing due." }) :
        el("ul", { class: "day-list" }, due.map((j) => el("li", { "data-id": j.journeyId },
          el("a", { href: `#/journey/${encodeURIComponent(j.journeyId)}`, text: `${j.referralId}: ${deadlineName(j.nextDeadline)}` }),
          ` (${j.provider}, ${phaseName(j.phase)})`))));
  });
  $("#week-days").replaceChildren(...sections);
}

export async function refreshCounts(navigate) {
  const before = JSON.stringify(session.summary?.tiles.map((t) => t.count));
  await loadSummary();
  renderTiles(navigate);
  if (JSON.stringify(session.summary.tiles.map((t) => t.count)) !== before) {
    announce(`Caseload updated: ${session.summary.tiles.map((t) => `${t.count} ${t.label.toLowerCase()}`).join(", ")}.`);
  }
}
