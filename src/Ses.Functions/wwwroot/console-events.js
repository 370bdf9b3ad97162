// The form that records what happened: every event type of SPEC 4.5 with its fields; server validation shown inline.
import { el, api, announce, words, ApiError, parseDate, dateHint } from "./console-api.js";

const date = (name, label, optional) => ({ name, label, type: "date", optional });
const reason = (optional = true) => ({ name: "reason", label: "Reason", type: "text", optional });
export const eventFields = {
  "prap-acknowledged": [date("occurredOn", "Acknowledged on")],
  "ucpr1-received": [date("occurredOn", "Received on")],
  "initial-assessment-booked": [date("occurredOn", "Booked on"), date("appointmentOn", "Appointment on")],
  "initial-assessment-held": [date("occurredOn", "Held on"),
    { name: "recommendation", label: "Recommendation", type: "select", options: ["main", "start-back", "not-suitable"] },
    date("anticipatedStartOn", "Anticipated start", true), date("anticipatedEndOn", "Anticipated end", true), reason()],
  "strand-referral-accepted": [date("occurredOn", "Accepted on"), { name: "strandReferralId", label: "Strand referral ID", type: "text" }],
  started: [date("startOn", "Start date")],
  "referral-rejected": [date("occurredOn", "Rejected on")],
  "backed-out-notified": [{ name: "occurredAt", label: "Notified at", type: "timestamp" }],
  "referral-cancelled": [date("occurredOn", "Cancelled on")],
  "isp-agreed": [date("occurredOn", "Agreed on"), { name: "reviewIntervalWeeks", label: "Review every (weeks)", type: "number" }],
  "isp-reviewed": [date("occurredOn", "Reviewed on")],
  "left-early": [date("leftOn", "Left on"), reason()],
  completed: [date("endOn", "Ended on")],
  "job-started": [date("startOn", "Job start"), { name: "hoursPerWeek", label: "Hours per week", type: "number" },
    { name: "selfEmployed", label: "Self-employed", type: "checkbox" }, { name: "employer", label: "Employer", type: "text", optional: true }],
  "hours-changed": [date("fromOn", "From"), { name: "hoursPerWeek", label: "Hours per week", type: "number" }],
  "employment-break": [date("fromOn", "From"), date("toOn", "To")],
  "benefit-claim": [date("fromOn", "From"), date("toOn", "To", true)],
  "wage-incentive-paid": [date("occurredOn", "Paid on")],
  "job-ended": [date("endedOn", "Ended on")],
  "moved-to-other-provision": [date("occurredOn", "Moved on")],
  withdrawn: [date("occurredOn", "Withdrawn on"), reason()],
  "sro-eligibility-confirmed": [date("occurredOn", "Confirmed on"), { name: "prapReferralId", label: "PRaP referral ID", type: "text" }],
  "sro-not-eligible": [date("occurredOn", "Decided on"), reason(false)],
};

export function eventForm(journey, reload, allowed = null) {
  const types = Object.keys(eventFields).filter((t) => !allowed || allowed.includes(t));
  const select = el("select", { id: "event-type", name: "type" }, types.map((t) => el("option", { value: t, text: words(t) })));
  const fields = el("div", { id: "event-fields" });
  const errors = el("div", { id: "event-errors", role: "alert" });
  const form = el("form", { id: "event-form", novalidate: true },
    el("h3", { text: "Record what happened" }),
    allowed ? el("p", { class: "muted", text: "Only the events this journey allows now are listed." }) : null,
    el("label", { for: "event-type", text: "Event" }), select, fields, errors,
    el("button", { type: "submit" }, "Record event"));
  const draw = () => fields.replaceChildren(...eventFields[select.value].map(field));
  select.addEventListener("change", draw);
  draw();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    errors.replaceChildren();
    form.querySelectorAll(".field-error").forEach((n) => { n.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
    const body = { type: select.value, eventId: crypto.randomUUID() };
    const typed = {};
    for (const f of eventFields[select.value]) {
      const input = form.querySelector(`#ev-${f.name}`);
      if (f.type === "checkbox") body[f.name] = input.checked;
      else if (input.value.trim() === "") continue;
      else if (f.type === "number") body[f.name] = Number(input.value);
      else if (f.type === "date") body[f.name] = parseDate(input.value) ?? (typed[f.name] = dateHint);
      else if (f.type === "timestamp") body[f.name] = parseTimestamp(input.value) ?? (typed[f.name] = timestampHint);
      else body[f.name] = input.value;
    }
    // Dates are typed as dd/mm/yyyy: one that is not is refused here, beside its field, before anything is sent.
    if (Object.keys(typed).length > 0) {
      showErrors(new ApiError(400, { title: "The form is not valid.", errors: Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, [v]])) }), form, errors, journey, reload);
      return;
    }
    try {
      const answer = await api(`/api/journeys/${encodeURIComponent(journey.journeyId)}/events`, { method: "POST", body });
      announce(`${words(body.type)} recorded.`);
      await reload();
      const status = document.querySelector("#journey-status");
      status.textContent = `${words(body.type)} recorded.${answer.warnings?.length ? ` Warning: ${answer.warnings.join(" ")}` : ""}`;
    } catch (error) {
      showErrors(error, form, errors, journey, reload);
    }
  });
  return form;
}

const timestampHint = "Enter the time as dd/mm/yyyy hh:mm (24-hour, your local time), for example 02/03/2026 14:30.";

// dd/mm/yyyy hh:mm in the browser's local time, as an ISO 8601 timestamp; null when it is no such time.
function parseTimestamp(text) {
  const match = /^\s*(\d{1,2}\/\d{1,2}\/\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  const date = match && parseDate(match[1]);
  if (!date || Number(match[2]) > 23 || Number(match[3]) > 59) return null;
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y, m - 1, d, Number(match[2]), Number(match[3])).toISOString();
}

function field(f) {
  const id = `ev-${f.name}`;
  const error = el("span", { class: "field-error", id: `${id}-error` });
  const typed = f.type === "date" || f.type === "timestamp";
  const hint = typed ? el("span", { class: "muted hint", id: `${id}-hint`, text: f.type === "date" ? "dd/mm/yyyy" : "dd/mm/yyyy hh:mm" }) : null;
  let input;
  if (f.type === "select") input = el("select", { id, name: f.name }, f.options.map((o) => el("option", { value: o, text: words(o) })));
  else if (typed) {
    input = el("input", { id, name: f.name, type: "text", inputmode: "numeric", autocomplete: "off",
      pattern: f.type === "date" ? "\\d{1,2}/\\d{1,2}/\\d{4}" : "\\d{1,2}/\\d{1,2}/\\d{4} \\d{1,2}:\\d{2}",
      placeholder: f.type === "date" ? "dd/mm/yyyy" : "dd/mm/yyyy hh:mm", "aria-describedby": `${id}-hint ${id}-error` });
  } else input = el("input", { id, name: f.name, type: f.type, step: f.type === "number" ? "any" : null, "aria-describedby": `${id}-error` });
  if (f.type === "checkbox") return el("div", { class: "field" }, input, el("label", { for: id, text: f.label }), error);
  return el("div", { class: "field" }, el("label", { for: id, text: f.label + (f.optional ? " (optional)" : "") }), input, hint, error);
}

function showErrors(error, form, errors, journey, reload) {
  if (!(error instanceof ApiError)) { errors.replaceChildren(el("p", { text: error.message })); return; }
  const problem = error.problem;
  const messages = [];
  for (const [name, list] of Object.entries(problem.errors || {})) {
    const slot = form.querySelector(`#ev-${name}-error`);
    if (slot) {
      slot.textContent = list.join(" ");
      form.querySelector(`#ev-${name}`).setAttribute("aria-invalid", "true");
    } else messages.push(...list);
  }
  if (error.status === 409 && problem.allowedEvents) {
    const allowed = problem.allowedEvents;
    messages.push(`${problem.detail || problem.title} Allowed now: ${allowed.map(words).join(", ") || "none"}.`);
    const replacement = eventForm(journey, reload, allowed);
    form.replaceWith(replacement);
    replacement.querySelector("#event-errors").replaceChildren(...messages.map((m) => el("p", { text: m })));
    replacement.querySelector("#event-type").focus();
    return;
  }
  if (!problem.errors) messages.push(`${problem.title || error.message}${problem.detail ? ` ${problem.detail}` : ""}`);
  errors.replaceChildren(...messages.map((m) => el("p", { text: m })));
  const firstInvalid = form.querySelector("[aria-invalid]");
  (firstInvalid || errors).focus?.();
}
