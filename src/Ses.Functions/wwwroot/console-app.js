// The operations console: routes (#/, #/list/{tile}, #/week, #/journey/{id}, #/statistics, #/delivery), the key, refresh.
import { $, el, api, allPages, session, td, formatTime, words, announce, can, openableRow } from "./console-api.js";
import { resetHome, loadSummary, loadList, loadWeek, bindHome, refreshCounts, refreshList } from "./console-home.js";
import { resetJourney, loadJourney, bindJourney } from "./console-journey.js";
import { resetStatistics, loadStatistics, bindStatistics } from "./console-statistics.js";

const views = ["home", "week", "journey", "statistics", "delivery", "signed-out"];
let refreshTimer = null;

function show(name) {
  for (const v of views) $(`#view-${v}`).hidden = v !== name;
  document.querySelectorAll("#nav a").forEach((a) => a.setAttribute("aria-current", a.dataset.view === name ? "page" : "false"));
}

export function navigate(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

async function route() {
  const hash = location.hash || "#/";
  if (!session.key) { show("signed-out"); return; }
  try {
    if (!session.summary) await loadSummary();
    renderNav();
    const [, page, arg] = hash.split("/");
    if (page === "journey" && arg) {
      show("journey");
      resetJourney();
      await loadJourney(decodeURIComponent(arg), navigate);
      focusHeading("#journey-title");
    } else if (page === "week") {
      show("week");
      loadWeek();
      focusHeading("#week-title");
    } else if (page === "statistics" && can.operator()) {
      show("statistics");
      await loadStatistics();
      focusHeading("#statistics-title");
    } else if (page === "delivery" && can.operator()) {
      show("delivery");
      await loadDelivery();
      focusHeading("#delivery-title");
    } else {
      show("home");
      await loadList(page === "list" ? arg : null, navigate);
      if (page === "list") focusHeading("#list-title");
    }
  } catch (error) {
    $("#status").textContent = error.status === 401 ? "401: that key is not valid." : error.message;
    if (error.status === 401) show("signed-out");
  }
}

function focusHeading(selector) {
  const heading = $(selector);
  heading.setAttribute("tabindex", "-1");
  heading.focus();
}

function renderNav() {
  const s = session.summary;
  $("#who").textContent = `Signed in as ${words(s.role)}${s.provider ? ` for ${s.provider}` : ""}`;
  const links = [["home", "#/", "Caseload"], ["week", "#/week", "Due this week"]];
  if (can.operator()) links.push(["statistics", "#/statistics", "Statistics"], ["delivery", "#/delivery", "Delivery problems"]);
  $("#nav").replaceChildren(el("ul", {}, links.map(([view, href, text]) => el("li", {}, el("a", { href, "data-view": view, text })))));
  $("#provider-filter").hidden = s.role === "provider";
}

async function loadDelivery() {
  const [failed, retrying] = await Promise.all([allPages("/api/notifications", { status: "failed" }), allPages("/api/notifications", { status: "retrying" })]);
  const rows = [...failed, ...retrying];
  $("#delivery tbody").replaceChildren(...rows.map((n) => openableRow([
    td(n.journeyId), td(words(n.template)), td(words(n.status), `status-${n.status}`), td(String(n.attempts ?? "")),
    td(formatTime(n.nextAttemptAt)), td(n.lastError),
  ], () => navigate(`#/journey/${encodeURIComponent(n.journeyId)}`), `Open journey ${n.journeyId} to resend`)));
  $("#delivery-status").textContent = `${failed.length} failed, ${retrying.length} retrying.`;
}

async function loadClock() {
  if (!can.operator()) { $("#clock").textContent = ""; return; }
  try {
    const clock = await api("/api/admin/clock");
    $("#clock").textContent = `virtual clock: ${formatTime(clock.now)}`;
  } catch {
    $("#clock").textContent = "";
  }
}

// A new key starts from nothing: every view, count and cached answer of the previous key is cleared first.
function signIn(key) {
  session.generation += 1;
  session.key = key;
  session.summary = null;
  if (key) sessionStorage.setItem("ses-key", key); else sessionStorage.removeItem("ses-key");
  resetHome(); resetJourney(); resetStatistics();
  $("#delivery tbody").replaceChildren();
  $("#nav").replaceChildren();
  $("#who").textContent = "";
  $("#clock").textContent = "";
  $("#status").textContent = "";
  if (!key) { show("signed-out"); return; }
  history.replaceState(null, "", "#/");
  route().then(loadClock);
}

function autoRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = setInterval(async () => {
    if (!session.key || !$("#auto-refresh").checked || document.hidden) return;
    try {
      await refreshCounts();
      if (!$("#view-home").hidden) await refreshList(navigate);
      loadClock();
    } catch { /* the next tick tries again */ }
  }, 30000);
}

$("#key-form").addEventListener("submit", (e) => { e.preventDefault(); signIn($("#api-key").value.trim()); });
$("#sign-out").addEventListener("click", () => { $("#api-key").value = ""; signIn(""); announce("Signed out."); });
window.addEventListener("hashchange", route);
bindHome(navigate);
bindJourney();
bindStatistics();
autoRefresh();
if (session.key) { $("#api-key").value = session.key; route().then(loadClock); } else show("signed-out");
