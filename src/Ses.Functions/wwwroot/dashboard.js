// Operator dashboard: a thin page over the management API. The key stays in this browser tab only.
const state = { key: sessionStorage.getItem("ses-key") || "", continuation: null };
const $ = (selector) => document.querySelector(selector);

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

function row(cells) {
  const tr = document.createElement("tr");
  cells.forEach((c) => tr.appendChild(c));
  return tr;
}

async function api(path) {
  const response = await fetch(path, { headers: { "x-functions-key": state.key } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(`${response.status} ${problem.title || response.statusText}`);
  }
  return response.json();
}

function query() {
  const params = new URLSearchParams();
  if ($("#phase").value) params.set("phase", $("#phase").value);
  if ($("#provider").value) params.set("provider", $("#provider").value);
  if ($("#due-before").value) params.set("dueBefore", $("#due-before").value);
  if ($("#overdue").checked) params.set("overdue", "true");
  params.set("pageSize", "50");
  if (state.continuation) params.set("continuationToken", state.continuation);
  return params;
}

async function loadJourneys(append) {
  if (!append) { state.continuation = null; $("#journeys tbody").replaceChildren(); }
  try {
    const page = await api(`/api/journeys?${query()}`);
    for (const j of page.items) {
      const flags = [j.overdue ? "overdue" : "", j.restricted ? "restricted" : ""].filter(Boolean).join(" ");
      const tr = row([cell(j.journeyId), cell(j.provider), cell(j.closure ? `${j.phase} (${j.closure})` : j.phase),
        cell(j.nextDeadline), cell(j.nextDue), cell(flags, j.overdue ? "overdue" : "")]);
      tr.className = "journey";
      tr.dataset.id = j.journeyId;
      tr.addEventListener("click", () => loadDetail(j.journeyId));
      $("#journeys tbody").appendChild(tr);
    }
    state.continuation = page.continuationToken;
    $("#more").hidden = !page.continuationToken;
    $("#status").textContent = `${$("#journeys tbody").children.length} journey(s)`;
  } catch (error) {
    $("#status").textContent = error.message;
  }
}

async function loadDetail(id) {
  const [journey, history, notifications] = await Promise.all([
    api(`/api/journeys/${id}`), api(`/api/journeys/${id}/history`), api(`/api/journeys/${id}/notifications`)]);
  $("#detail").hidden = false;
  $("#detail-title").textContent = `Journey ${journey.journeyId}`;
  $("#detail-summary").textContent = `${journey.channel.toUpperCase()} referral ${journey.referralId} of ${journey.referralDate}, ` +
    `${journey.universalCredit ? "Universal Credit" : "not UC"}, ${journey.region}, phase ${journey.phase}` +
    (journey.closure ? ` (${journey.closure})` : "") + `, version ${journey.version}` + (journey.restricted ? ", restricted" : "");
  $("#deadlines tbody").replaceChildren(...journey.deadlines.map((d) =>
    row([cell(d.kind), cell(d.due), cell(d.state, `state-${d.state}`), cell(d.settledOn)])));
  const outcomes = journey.outcomes ? [["short", journey.outcomes.short], ["sustained", journey.outcomes.sustained]] : [];
  $("#outcomes tbody").replaceChildren(...outcomes.map(([name, o]) =>
    row([cell(name), cell(o.state, `state-${o.state}`), cell(o.on), cell(o.reason)])));
  $("#tasks tbody").replaceChildren(...journey.tasks.map((t) => row([cell(t.taskId), cell(t.task), cell(t.detail),
    cell(t.completed ? `done ${t.completedAt} by ${t.completedBy.name} (${t.completedBy.role})` : `open: ${t.assignee}`)])));
  $("#notifications tbody").replaceChildren(...notifications.map((n) =>
    row([cell(n.template), cell(n.to.join(", ")), cell(n.status), cell(String(n.attempts)), cell(n.createdAt), cell(n.sentAt)])));
  $("#history tbody").replaceChildren(...history.items.map((h) =>
    row([cell(String(h.version)), cell(h.at), cell(h.kind), cell(`${h.actor.name} (${h.actor.role})`)])));
}

async function loadClock() {
  try {
    const clock = await api("/api/admin/clock");
    $("#clock").textContent = `virtual clock: ${new Date(clock.now).toLocaleString("en-GB", { timeZone: "Europe/London" })}`;
  } catch {
    $("#clock").textContent = "";
  }
}

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.key = $("#api-key").value;
  sessionStorage.setItem("ses-key", state.key);
  loadJourneys(false);
  loadClock();
});
$("#filters").addEventListener("submit", (event) => { event.preventDefault(); loadJourneys(false); });
$("#more").addEventListener("click", () => loadJourneys(true));
if (state.key) { $("#api-key").value = state.key; loadJourneys(false); loadClock(); }
