// One journey: timeline, deadlines, outcomes, tasks, emails (resend), documents, history in sentences, and actions.
import { $, el, api, allPages, session, td, formatDate, formatTime, deadlineName, phaseName, words, announce, can, ApiError } from "./console-api.js";
import { timeline } from "./console-timeline.js";
import { eventForm } from "./console-events.js";

export function resetJourney() {
  for (const id of ["#journey-title", "#journey-summary", "#participant", "#timeline", "#deadlines tbody", "#outcomes tbody", "#tasks tbody",
    "#notifications tbody", "#documents tbody", "#history tbody", "#journey-actions", "#event-area", "#journey-status"]) {
    $(id).replaceChildren();
  }
}

const stepWords = { due: "fell due", reminder: "reminder sent", "early-reminder": "early reminder sent" };

export function sentence(item) {
  const [kind, a, b] = item.kind.split(":");
  const d = item.data || {};
  switch (kind) {
    case "referral-received": return ["Referral source", "Referral received"];
    case "event-reported": {
      const fields = d.event ? Object.entries(d.event).filter(([k, v]) => k !== "type" && v !== null && typeof v !== "object")
        .map(([k, v]) => `${words(k.replace(/([A-Z])/g, "-$1").toLowerCase()).toLowerCase()} ${/^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDate(v) : v}`) : [];
      return ["Staff (API)", `${words(a)} recorded${fields.length ? ` (${fields.join(", ")})` : ""}`];
    }
    case "deadline-scheduled": return ["System", `${deadlineName(a)} deadline set${d.due ? ` for ${formatDate(d.due)}` : ""}`];
    case "deadline-met": return ["System", `${deadlineName(a)} deadline met`];
    case "deadline-missed": return ["System", `${deadlineName(a)} deadline missed`];
    case "deadline-cancelled": return ["System", `${deadlineName(a)} deadline no longer applies`];
    case "timer-fired": return ["System (timer)", `${deadlineName(a)}: ${stepWords[b] || words(b)}`];
    case "phase-changed": return ["System", `Moved to phase "${phaseName(a)}"`];
    case "notification-requested": return ["System", `Email "${words(a)}" queued`];
    case "outcome-decided": return ["System", `${words(a)} outcome decided`];
    case "task-created": return ["System", `Task created: ${d.task ? words(d.task) : "see tasks"}`];
    case "warning-raised": return ["System", `Warning: ${d.message || ""}`];
    case "referral-id-assigned": return ["System", "PRaP referral ID assigned"];
    default: return ["System", words(item.kind.replaceAll(":", " "))];
  }
}

export async function loadJourney(id, navigate) {
  const journey = await api(`/api/journeys/${encodeURIComponent(id)}`);
  const [history, notifications, documents] = await Promise.all([
    allPages(`/api/journeys/${encodeURIComponent(id)}/history`, {}),
    api(`/api/journeys/${encodeURIComponent(id)}/notifications`),
    can.documents() ? api(`/api/journeys/${encodeURIComponent(id)}/documents`) : Promise.resolve(null),
  ]);
  render(journey, history, notifications, documents, navigate);
  return journey;
}

function render(j, history, notifications, documents, navigate) {
  $("#journey-title").textContent = `Journey ${j.referralId}`;
  $("#journey-summary").replaceChildren(el("dl", { class: "facts" },
    fact("Phase", j.closure ? `${phaseName(j.phase)} (${words(j.closure)})` : phaseName(j.phase)),
    fact("Channel", words(j.channel)), fact("Provider", j.provider), fact("Region", words(j.region)),
    fact("Referred on", formatDate(j.referralDate)), fact("Universal Credit", j.universalCredit ? "Yes" : "No"),
    fact("Next deadline", j.nextDeadline ? `${deadlineName(j.nextDeadline.kind)}, ${formatDate(j.nextDeadline.due)}` : "None pending"),
    j.restricted ? fact("Record", j.mappa ? "Restricted (MAPPA)" : "Restricted") : null,
    j.orchestration ? fact("Workflow", words(j.orchestration.runtimeStatus)) : null));
  $("#participant").replaceChildren(j.referral
    ? el("p", { text: `Participant: ${[j.referral.participant.title, j.referral.participant.forename, j.referral.participant.surname].filter(Boolean).join(" ")}, NINO ${j.referral.participant.nino}` })
    : el("p", { class: "muted", text: j.restricted ? "Personal details are shown to nominated officers only." : "" }));
  const londonDate = (at) => new Date(at).toLocaleDateString("en-CA", { timeZone: "Europe/London" });
  const phases = [{ phase: j.channel === "sro" ? "introduced" : "referred", date: j.referralDate },
    ...history.filter((h) => h.kind.startsWith("phase-changed:")).map((h) => ({ phase: h.kind.split(":")[1], date: londonDate(h.at) }))];
  $("#timeline").replaceChildren(timeline(j, session.summary.today, phases));
  $("#deadlines tbody").replaceChildren(...j.deadlines.map((d) =>
    el("tr", {}, td(deadlineName(d.kind)), td(formatDate(d.due)), td(words(d.state), `state-${d.state}`), td(formatDate(d.settledOn)))));
  const outcomes = j.outcomes ? [["Short", j.outcomes.short], ["Sustained", j.outcomes.sustained]] : [];
  $("#outcomes tbody").replaceChildren(...outcomes.map(([name, o]) =>
    el("tr", {}, td(name), td(words(o.state), `state-${o.state}`), td(formatDate(o.on)), td(o.reason))));
  $("#tasks tbody").replaceChildren(...j.tasks.map((t) => el("tr", { "data-id": t.taskId }, td(words(t.task)), td(t.detail),
    td(t.completed ? `Done ${formatTime(t.completedAt)}${t.completedBy ? ` by ${t.completedBy.name}` : ""}` : "To do", t.completed ? "state-met" : "state-pending"),
    el("td", {}, !t.completed && canComplete(t)
      ? el("button", { type: "button", class: "complete", onclick: () => complete(j.journeyId, t.taskId, navigate) }, "Complete") : null))));
  $("#notifications tbody").replaceChildren(...notifications.map((n) => el("tr", { "data-id": n.notificationId },
    td(words(n.template)), td(n.to.join(", ")), td(n.subject), td(words(n.status), `status-${n.status}`), td(String(n.attempts)),
    td(formatTime(n.createdAt)), td(formatTime(n.sentAt)),
    el("td", {}, n.body ? el("details", {}, el("summary", { text: "Body" }), el("pre", { text: n.body })) : null,
      can.operator() && (n.status === "failed" || n.status === "not-sent")
        ? el("button", { type: "button", class: "resend", onclick: () => resend(j.journeyId, n.notificationId, navigate) }, "Resend") : null))));
  $("#documents-section").hidden = documents === null;
  if (documents) {
    $("#documents tbody").replaceChildren(...documents.map((d) => el("tr", {},
      td(words(d.kind)), td(d.fileName || "(name hidden)"), td(d.contentType), td(formatTime(d.uploadedAt || d.createdAt)))));
    $("#upload-form").dataset.journey = j.journeyId;
  }
  $("#history tbody").replaceChildren(...history.map((h) => {
    const [fallback, what] = sentence(h);
    // Who did it, as history records it (SPEC 5.1): the key's name and role, or the system's timers.
    const who = h.actor && h.actor.role !== "unknown"
      ? (h.actor.role === "system" ? "System" : `${h.actor.name} (${words(h.actor.role)})`) : fallback;
    return el("tr", {}, td(formatTime(h.at)), td(who), td(what));
  }));
  renderActions(j, navigate);
}

const fact = (name, value) => [el("dt", { text: name }), el("dd", { text: value })];

function renderActions(j, navigate) {
  const actions = [];
  if (can.write() && j.phase !== "closed") $("#event-area").replaceChildren(eventForm(j, () => loadJourney(j.journeyId, navigate)));
  if (can.operator() && j.phase !== "closed") {
    actions.push(el("form", { id: "terminate-form", class: "inline-form", onsubmit: (e) => { e.preventDefault(); terminate(j, navigate); } },
      el("label", { for: "terminate-reason", text: "Reason to terminate" }), el("input", { id: "terminate-reason", maxlength: "500" }),
      el("button", { type: "submit", class: "danger" }, "Terminate journey")));
  }
  if (can.operator() && j.phase === "closed") {
    actions.push(el("button", { type: "button", id: "purge", class: "danger", onclick: () => purge(j, navigate) }, "Purge journey and its data"));
  }
  $("#journey-actions").replaceChildren(...actions);
}

async function terminate(j, navigate) {
  const reason = $("#terminate-reason").value.trim();
  if (!reason) { $("#journey-status").textContent = "Give a reason to terminate."; $("#terminate-reason").focus(); return; }
  if (!confirm(`Terminate journey ${j.referralId}? This closes it.`)) return;
  await act(() => api(`/api/journeys/${encodeURIComponent(j.journeyId)}/terminate`, { method: "POST", body: { reason } }),
    "Journey terminated.", () => loadJourney(j.journeyId, navigate));
}

async function purge(j, navigate) {
  if (!confirm(`Purge journey ${j.referralId} with its history, documents and emails? This cannot be undone.`)) return;
  await act(() => api(`/api/journeys/${encodeURIComponent(j.journeyId)}`, { method: "DELETE" }), "Journey purged.", () => navigate("#/"));
}

// Nominated officers' tasks (SCR, MAPPA) are theirs alone; the rest are provider staff's or an operator's.
function canComplete(task) {
  const role = session.summary?.role;
  return task.assignee === "nominated-officer" ? role === "nominated-officer" : can.write();
}

async function complete(journeyId, taskId, navigate) {
  await act(() => api(`/api/journeys/${encodeURIComponent(journeyId)}/tasks/${encodeURIComponent(taskId)}/complete`, { method: "POST" }),
    "Task completed.", () => loadJourney(journeyId, navigate));
}

async function resend(journeyId, notificationId, navigate) {
  await act(() => api(`/api/journeys/${encodeURIComponent(journeyId)}/notifications/${encodeURIComponent(notificationId)}/resend`, { method: "POST" }),
    "Email queued to send again.", () => loadJourney(journeyId, navigate));
}

async function act(call, done, then) {
  try {
    await call();
    announce(done);
    $("#journey-status").textContent = done;
    await then();
  } catch (error) {
    $("#journey-status").textContent = error instanceof ApiError ? `${error.message}: ${error.problem.detail || ""}` : error.message;
  }
}

export function bindJourney() {
  $("#upload-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const id = $("#upload-form").dataset.journey;
    const form = new FormData($("#upload-form"));
    try {
      await api(`/api/journeys/${encodeURIComponent(id)}/documents`, { method: "POST", body: form });
      $("#upload-status").textContent = "Document uploaded.";
      announce("Document uploaded.");
      const documents = await api(`/api/journeys/${encodeURIComponent(id)}/documents`);
      $("#documents tbody").replaceChildren(...documents.map((d) => el("tr", {},
        td(words(d.kind)), td(d.fileName || "(name hidden)"), td(d.contentType), td(formatTime(d.uploadedAt || d.createdAt)))));
    } catch (error) {
      $("#upload-status").textContent = error instanceof ApiError ? `${error.message}: ${error.problem.detail || Object.values(error.problem.errors || {}).flat().join(" ")}` : error.message;
    }
  });
}
