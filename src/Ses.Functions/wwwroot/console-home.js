// The caseload: tiles with counts that open their server-side filter, the list one page at a time (filters, search and
// paging on the server, sorting within the page), and the week as counts per day. The browser never holds more than the
// page on screen: going back asks the server again with the token that page was read with.
import { $, el, api, session, td, openableRow, formatDate, formatTime, deadlineName, phaseName, announce, parseDate, dateHint } from "./console-api.js";

const view = { rows: [], tile: null, sort: { column: "nextDue", ascending: true }, tokens: [null], page: 0, next: null };
let searchTimer = null;

const columns = [
  { key: "referralId", label: "Referral ID" },
  { key: "provider", label: "Provider" },
  { key: "phase", label: "Phase" },
  { key: "nextDeadline", label: "Next deadline" },
  { key: "nextDue", label: "Due" },
  { key: "flags", label: "Flags" },
];

export function resetHome() {
  Object.assign(view, { rows: [], tile: null, tokens: [null], page: 0, next: null });
  $("#tiles").replaceChildren();
  $("#journeys tbody").replaceChildren();
  $("#week-days").replaceChildren();
  $("#search").value = "";
  $("#list-status").textContent = "";
  $("#page-number").textContent = "";
}

export async function loadSummary() {
  session.summary = await api("/api/caseload/summary");
  return session.summary;
}

export function renderTiles() {
  const tiles = session.summary.tiles.map((t) => el("li", {},
    el("a", { href: `#/list/${t.key}`, class: `tile tile-${t.key}`, "data-tile": t.key, "aria-current": view.tile === t.key ? "true" : null },
      el("span", { class: "tile-count", text: t.count.toLocaleString("en-GB") }), el("span", { class: "tile-label", text: t.label }))));
  $("#tiles").replaceChildren(...tiles);
  $("#today").textContent = `Today is ${formatDate(session.summary.today)}; this week runs to ${formatDate(session.summary.weekEnds)}. Counted at ${formatTime(session.summary.countedAt).split(", ")[1]}.`;
}

// A tile of the summary, or a day of the week (#/list/due-YYYY-MM-DD): a label and the query that lists it.
function tileOf(key) {
  if (!key) return null;
  const tile = session.summary.tiles.find((t) => t.key === key);
  if (tile) return tile;
  const day = session.summary.week.find((d) => `due-${d.date}` === key);
  return day ? { key, label: `Due on ${formatDate(day.date)}`, query: day.query } : null;
}

// The tile's query, then the form's filters where the tile does not already set them, then the search.
function query() {
  const params = new URLSearchParams(tileOf(view.tile)?.query || "");
  const add = (name, value) => { if (value && !params.has(name)) params.set(name, value); };
  add("phase", $("#phase").value);
  add("provider", $("#provider").value.trim());
  add("overdue", $("#overdue").checked ? "true" : "");
  for (const [id, name] of [["#due-from", "dueFrom"], ["#due-before", "dueBefore"]]) {
    const text = $(id).value.trim();
    if (!text) continue;
    const date = parseDate(text);
    if (!date) throw new Error(`${name === "dueFrom" ? "Due from" : "Due before"}: ${dateHint}`);
    add(name, date);
  }
  const search = $("#search").value.trim();
  if (search) params.set("referralIdPrefix", search);
  params.set("pageSize", $("#page-size").value);
  return params;
}

// Loads one page: the first of a new list, or (keepPage) the page on screen again, or the page at `page`.
export async function loadList(tileKey, navigate, { page = 0, keepPage = false } = {}) {
  if (!keepPage) {
    view.tile = tileKey || null;
    if (page === 0) view.tokens = [null];
    view.page = page;
  }
  renderTiles();
  $("#filter-error").textContent = "";
  let params;
  try {
    params = query();
  } catch (error) {
    $("#filter-error").textContent = error.message;
    return;
  }
  const token = view.tokens[view.page];
  if (token) params.set("continuationToken", token);
  if (!keepPage) $("#list-status").textContent = "Loading…"; // never the previous query's count beside the new query
  const answer = await api(`/api/journeys?${params}`);
  view.rows = answer.items;
  view.next = answer.continuationToken;
  view.tokens.length = view.page + 1;
  renderList(navigate);
}

function flags(j) {
  return [j.overdue ? "Missed a deadline" : "", j.restricted ? "Restricted" : "", j.closure ? `Closed: ${j.closure.replaceAll("-", " ")}` : ""].filter(Boolean).join(", ");
}

function valueOf(j, column) {
  if (column === "flags") return flags(j);
  if (column === "phase") return phaseName(j.phase);
  if (column === "nextDeadline") return j.nextDeadline ? deadlineName(j.nextDeadline) : "";
  return j[column] ?? "";
}

// Sorting is within the page on screen; blank values (no pending deadline) sort last either way.
function sortedRows() {
  const { column, ascending } = view.sort;
  return [...view.rows].sort((a, b) => {
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
  $("#journeys tbody").replaceChildren(...sortedRows().map((j) => {
    const tr = openableRow([
      td(j.referralId), td(j.provider), td(phaseName(j.phase)),
      td(j.nextDeadline ? deadlineName(j.nextDeadline) : "None pending", j.nextDeadline ? "" : "muted"),
      td(formatDate(j.nextDue)), td(flags(j), j.overdue ? "overdue" : ""),
    ], () => navigate(`#/journey/${encodeURIComponent(j.journeyId)}`), `Open journey ${j.referralId}`);
    tr.dataset.id = j.journeyId;
    return tr;
  }));
  const tile = tileOf(view.tile);
  $("#list-title").textContent = tile ? tile.label : "All journeys";
  $("#previous-page").disabled = view.page === 0;
  $("#next-page").disabled = !view.next;
  $("#page-number").textContent = `Page ${view.page + 1}`;
  const more = view.next ? "; more on the next page" : "";
  $("#list-status").textContent = `Page ${view.page + 1}: ${view.rows.length} journey(s)${more}${tile && !view.next && view.page === 0 ? ` of ${tile.count ?? view.rows.length}` : ""}.`;
}

export function bindHome(navigate) {
  const reload = () => loadList(view.tile, navigate).catch(showError);
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); reload(); });
  $("#page-size").addEventListener("change", reload);
  // The search asks the server (a referral ID prefix), shortly after typing stops.
  $("#search").addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(reload, 250); });
  $("#clear-tile").addEventListener("click", () => navigate("#/"));
  $("#next-page").addEventListener("click", () => {
    if (!view.next) return;
    view.tokens[view.page + 1] = view.next;
    loadList(view.tile, navigate, { page: view.page + 1 }).then(() => announce(`Page ${view.page + 1}.`)).catch(showError);
  });
  $("#previous-page").addEventListener("click", () => {
    if (view.page === 0) return;
    loadList(view.tile, navigate, { page: view.page - 1 }).then(() => announce(`Page ${view.page + 1}.`)).catch(showError);
  });
}

// The page on screen read again (the 30-second refresh), at the token it was read with.
export async function refreshList(navigate) { await loadList(view.tile, navigate, { keepPage: true }); }

function showError(error) { $("#list-status").textContent = error.message; }

// "Due this week" as counts per day (the summary's), each opening that day's list.
export function loadWeek() {
  const { today, week } = session.summary;
  const sections = week.map((day) => el("section", { class: "day", "aria-labelledby": `day-${day.date}`, "data-date": day.date },
    el("h3", { id: `day-${day.date}`, text: `${formatDate(day.date)}${day.date === today ? " (today)" : ""}: ${day.count.toLocaleString("en-GB")} due` }),
    day.count === 0 ? el("p", { class: "muted", text: "Nothing due." })
      : el("p", {}, el("a", { href: `#/list/due-${day.date}`, text: `Open the ${day.count.toLocaleString("en-GB")} journey(s) due on ${formatDate(day.date)}` }))));
  $("#week-days").replaceChildren(...sections);
}

export async function refreshCounts() {
  const before = JSON.stringify(session.summary?.tiles.map((t) => t.count));
  await loadSummary();
  renderTiles();
  if (JSON.stringify(session.summary.tiles.map((t) => t.count)) !== before) {
    announce(`Caseload updated: ${session.summary.tiles.map((t) => `${t.count} ${t.label.toLowerCase()}`).join(", ")}.`);
  }
}

