// The journey on a date axis: phases as bands, deadlines and outcome checkpoints as markers coloured by state, today marked.
import { deadlineName, phaseName, formatDate, words } from "./console-api.js";

const NS = "http://www.w3.org/2000/svg";
const svg = (tag, attributes = {}, text) => {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};
const day = (date) => Date.parse(`${date}T00:00:00Z`) / 86400000;
const shape = { met: "circle", missed: "cross", pending: "circle-open", cancelled: "dash", achieved: "diamond", "not-achieved": "cross" };

export function timeline(journey, today, phases = []) {
  const points = journey.deadlines.map((d) => ({ date: d.due, label: deadlineName(d.kind), state: d.state }));
  if (journey.outcomes) {
    for (const [name, o] of [["Short outcome achieved", journey.outcomes.short], ["Sustained outcome achieved", journey.outcomes.sustained]]) {
      if (o.on) points.push({ date: o.on, label: name, state: o.state });
    }
  }
  const dates = [journey.referralDate, today, ...points.map((p) => p.date)].map(day);
  const from = Math.min(...dates) - 3, to = Math.max(...dates) + 3;
  const width = 960, left = 20, right = width - 20;
  const x = (date) => left + ((day(date) - from) / (to - from)) * (right - left);
  const lanes = 4, laneHeight = 30, axisY = 40 + lanes * laneHeight;
  const root = svg("svg", { viewBox: `0 0 ${width} ${axisY + 40}`, role: "img", "aria-labelledby": "timeline-title timeline-desc", class: "timeline" });
  root.append(svg("title", { id: "timeline-title" }, `Timeline of journey ${journey.referralId}`));
  const missed = points.filter((p) => p.state === "missed").length, pending = points.filter((p) => p.state === "pending").length;
  root.append(svg("desc", { id: "timeline-desc" },
    `From ${formatDate(journey.referralDate)}; today ${formatDate(today)}; ${points.length} deadlines and outcomes: ${missed} missed, ${pending} pending.`));
  // Phases: from the history's phase changes, each band running to the next change (or today).
  phases.forEach((p, i) => {
    const end = phases[i + 1]?.date || (journey.phase === "closed" ? p.date : today);
    const x1 = x(p.date), x2 = Math.max(x(end), x1 + 2);
    root.append(svg("rect", { x: x1, y: 8, width: x2 - x1, height: 18, class: `band band-${i % 2}` }));
    root.append(svg("text", { x: x1 + 3, y: 21, class: "band-label" }, phaseName(p.phase)));
  });
  root.append(svg("line", { x1: left, x2: right, y1: axisY, y2: axisY, class: "axis" }));
  // Month ticks.
  const start = new Date((from + 3) * 86400000);
  for (let m = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)); m.getTime() / 86400000 < to; m.setUTCMonth(m.getUTCMonth() + 1)) {
    const date = m.toISOString().slice(0, 10), at = x(date);
    root.append(svg("line", { x1: at, x2: at, y1: axisY, y2: axisY + 6, class: "tick" }));
    root.append(svg("text", { x: at, y: axisY + 20, class: "tick-label", "text-anchor": "middle" },
      m.toLocaleDateString("en-GB", { timeZone: "UTC", month: "short", year: "2-digit" })));
  }
  const t = x(today);
  root.append(svg("line", { x1: t, x2: t, y1: 30, y2: axisY + 6, class: "today" }));
  root.append(svg("text", { x: t + 3, y: axisY + 34, class: "today-label" }, "today"));
  points.sort((a, b) => day(a.date) - day(b.date)).forEach((p, i) => {
    const cx = x(p.date), cy = 40 + (i % lanes) * laneHeight;
    const group = svg("g", { class: `marker state-${p.state}`, "data-state": p.state });
    group.append(svg("title", {}, `${p.label}: ${words(p.state)}, ${formatDate(p.date)}`));
    group.append(svg("line", { x1: cx, x2: cx, y1: cy, y2: axisY, class: "stem" }));
    group.append(svg("circle", { cx, cy, r: 6, class: shape[p.state] || "circle" }));
    const flip = cx > width * 0.7; // labels near the right edge run leftwards
    group.append(svg("text", { x: flip ? cx - 9 : cx + 9, y: cy + 4, class: "marker-label", "text-anchor": flip ? "end" : "start" }, `${p.label} (${words(p.state)})`));
    root.append(group);
  });
  return root;
}
