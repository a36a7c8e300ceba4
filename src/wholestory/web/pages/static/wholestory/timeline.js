// The chronology page's timeline, made interactive. The page works without this file:
// the picture is a plain SVG and the table below holds every entry.
//  - hover or focus a mark: a tooltip says what it is;
//  - click a mark (or press Enter on it): jump to its row in the table (on whichever page);
//  - keyboard: focus the picture, then the arrow keys move from mark to mark in date order;
//  - zoom: show only a date range, spread across the width.
const DAY = 86400000;

function setUp(figure) {
  const plot = figure.querySelector(".ws-timeline__plot");
  const svg = plot && plot.querySelector("svg");
  if (!svg) return;
  const axis = {
    start: Date.parse(figure.dataset.start),
    end: Date.parse(figure.dataset.end),
    left: parseFloat(figure.dataset.left),
    right: parseFloat(figure.dataset.right),
  };
  const tip = document.createElement("div");
  tip.className = "ws-timeline__tip";
  tip.hidden = true;
  tip.setAttribute("role", "status");
  tip.setAttribute("aria-live", "polite");
  figure.appendChild(tip);

  // Move each <title> into data-tip, so the browser's own tooltip does not double ours.
  const tipped = svg.querySelectorAll("g.mark, g.flag, g.plan");
  tipped.forEach((g) => {
    const title = g.querySelector(":scope > title");
    if (title) {
      g.dataset.tip = title.textContent;
      title.remove();
    }
  });
  const marks = Array.from(svg.querySelectorAll("g.mark[data-entry]"));
  marks.sort((a, b) => (a.dataset.day < b.dataset.day ? -1 : a.dataset.day > b.dataset.day ? 1 : 0));
  let current = -1;

  function show(g) {
    const text = g.dataset.tip;
    if (!text) return;
    const lane = g.dataset.lane ? ` (${g.closest("g.lane")?.querySelector(".lane-label")?.textContent || g.dataset.lane})` : "";
    tip.textContent = text + lane;
    tip.hidden = false;
    const box = g.getBoundingClientRect();
    const outer = figure.getBoundingClientRect();
    let left = box.left - outer.left + box.width / 2 + 10;
    if (left + 320 > outer.width) left = Math.max(0, box.left - outer.left - 330);
    tip.style.left = `${left}px`;
    tip.style.top = `${box.top - outer.top + box.height + 6}px`;
  }
  function hide() {
    tip.hidden = true;
  }
  function select(index) {
    if (!marks.length) return;
    if (current >= 0 && marks[current]) marks[current].classList.remove("is-current");
    current = Math.max(0, Math.min(index, marks.length - 1));
    const g = marks[current];
    g.classList.add("is-current");
    show(g);
  }
  function jump(entry) {
    const row = document.querySelector(`tr[data-entry="${CSS.escape(entry)}"]`);
    if (row) {
      document.querySelectorAll("tr.is-current").forEach((r) => r.classList.remove("is-current"));
      row.classList.add("is-current");
      row.scrollIntoView({ block: "center" });
      row.focus({ preventScroll: true });
      return;
    }
    // On another page of the table, or filtered out: the server opens the page that holds it
    // (filters are cleared, as they may hide it).
    const url = new URL(figure.dataset.page, window.location.href);
    url.searchParams.set("entry", entry);
    url.hash = "entries";
    window.location.assign(url.toString());
  }

  svg.addEventListener("mouseover", (event) => {
    const g = event.target.closest("g.mark, g.flag, g.plan");
    if (g) show(g);
  });
  svg.addEventListener("mouseout", (event) => {
    const g = event.target.closest("g.mark, g.flag, g.plan");
    if (g && !g.contains(event.relatedTarget)) hide();
  });
  svg.addEventListener("click", (event) => {
    const mark = event.target.closest("g.mark[data-entry]");
    if (mark) {
      jump(mark.dataset.entry);
      return;
    }
    const flag = event.target.closest("g.flag[data-code]");
    if (flag) {
      const url = new URL(figure.dataset.page, window.location.href);
      url.searchParams.set("flag", flag.dataset.code);
      url.hash = "entries";
      window.location.assign(url.toString());
    }
  });

  // Keyboard: the picture is one tab stop; arrows move between marks in date order.
  plot.tabIndex = 0;
  plot.setAttribute("role", "group");
  plot.setAttribute("aria-roledescription", "timeline");
  plot.setAttribute("aria-label", "Timeline. Use the left and right arrow keys to move between entries, Enter to go to an entry in the table.");
  plot.addEventListener("keydown", (event) => {
    const keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (event.key in keys) {
      event.preventDefault();
      select(current < 0 ? 0 : current + keys[event.key]);
    } else if (event.key === "Home") {
      event.preventDefault();
      select(0);
    } else if (event.key === "End") {
      event.preventDefault();
      select(marks.length - 1);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      jump(marks[current].dataset.entry);
    } else if (event.key === "Escape") {
      hide();
    }
  });
  plot.addEventListener("blur", hide);

  addZoom(figure, svg, axis);
}

// ---- zoom: every element in the plot area has its x moved by one affine map
function addZoom(figure, svg, axis) {
  const originals = new Map();
  const plotted = [];
  const skip = ".legend-block *, .lane-bg, .lane-label, .lane-count, .age-title";
  svg.querySelectorAll("circle, rect, path, line, text").forEach((el) => {
    if (el.matches(skip)) return;
    const x = anchorOf(el);
    if (x === null || x < axis.left - 6) return;
    plotted.push(el);
    const o = {};
    ["x", "cx", "x1", "x2", "width", "d", "transform"].forEach((name) => {
      if (el.hasAttribute(name)) o[name] = el.getAttribute(name);
    });
    o.anchor = x;
    originals.set(el, o);
  });

  const form = document.createElement("form");
  form.className = "ws-timeline__zoom";
  form.setAttribute("aria-label", "Zoom the timeline");
  const first = new Date(axis.start).toISOString().slice(0, 10);
  const last = new Date(axis.end).toISOString().slice(0, 10);
  form.innerHTML = `
    <div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="zoom-from">Zoom from</label>
      <input class="govuk-input govuk-input--width-10" type="date" id="zoom-from" min="${first}" max="${last}" value="${first}"></div>
    <div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="zoom-to">to</label>
      <input class="govuk-input govuk-input--width-10" type="date" id="zoom-to" min="${first}" max="${last}" value="${last}"></div>
    <button type="submit" class="govuk-button govuk-button--secondary">Zoom</button>
    <button type="button" class="govuk-button govuk-button--secondary" data-reset>Show all years</button>`;
  figure.insertBefore(form, figure.firstChild);
  const from = form.querySelector("#zoom-from");
  const to = form.querySelector("#zoom-to");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const a = Date.parse(from.value);
    const b = Date.parse(to.value);
    if (Number.isNaN(a) || Number.isNaN(b) || b - a < 7 * DAY) return;
    apply(Math.min(a, b), Math.max(a, b));
  });
  form.querySelector("[data-reset]").addEventListener("click", () => {
    from.value = first;
    to.value = last;
    apply(axis.start, axis.end);
  });

  function apply(a, b) {
    const span = axis.right - axis.left;
    const k = (axis.end - axis.start) / (b - a);
    const shift = axis.left + ((axis.start - a) * span) / (b - a) - k * axis.left;
    const map = (x) => k * x + shift;
    const whole = a === axis.start && b === axis.end;
    plotted.forEach((el) => {
      const o = originals.get(el);
      ["x", "cx", "x1", "x2", "width", "d", "transform"].forEach((name) => {
        if (name in o) el.setAttribute(name, o[name]);
        else el.removeAttribute(name);
      });
      el.removeAttribute("visibility");
      if (whole) return;
      let lo;
      let hi;
      if (el.tagName === "rect") {
        const x = parseFloat(o.x);
        const w = parseFloat(o.width);
        const isBand = !el.closest("g.mark") || w > 8;
        lo = map(x);
        hi = isBand ? map(x + w) : lo + w;
        const cl = Math.max(lo, axis.left);
        const ch = Math.min(hi, axis.right);
        el.setAttribute("x", cl.toFixed(1));
        el.setAttribute("width", Math.max(ch - cl, 0).toFixed(1));
        if (ch - cl <= 0) el.setAttribute("visibility", "hidden");
        return;
      }
      if (el.tagName === "circle") {
        lo = hi = map(parseFloat(o.cx));
        el.setAttribute("cx", lo.toFixed(1));
      } else if (el.tagName === "line") {
        lo = map(parseFloat(o.x1));
        hi = map(parseFloat(o.x2));
        el.setAttribute("x1", lo.toFixed(1));
        el.setAttribute("x2", hi.toFixed(1));
      } else if (el.tagName === "text") {
        lo = hi = map(parseFloat(o.x));
        el.setAttribute("x", lo.toFixed(1));
      } else {
        lo = hi = map(o.anchor);
        el.setAttribute("transform", `translate(${(lo - o.anchor).toFixed(1)} 0)`);
      }
      if (hi < axis.left - 4 || lo > axis.right + 4) el.setAttribute("visibility", "hidden");
    });
  }
}

function anchorOf(el) {
  const attr = (name) => (el.hasAttribute(name) ? parseFloat(el.getAttribute(name)) : null);
  switch (el.tagName) {
    case "circle":
      return attr("cx");
    case "line":
      return attr("x1");
    case "rect":
    case "text":
      return attr("x");
    case "path": {
      const m = /^M\s*(-?[\d.]+)/.exec(el.getAttribute("d") || "");
      return m ? parseFloat(m[1]) : null;
    }
    default:
      return null;
  }
}

function arrive() {
  // Came from a mark on another page: bring its row into view.
  const entry = new URL(window.location.href).searchParams.get("entry");
  if (!entry) return;
  const row = document.querySelector(`tr[data-entry="${CSS.escape(entry)}"]`);
  if (row) {
    row.classList.add("is-current");
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }
}

document.querySelectorAll("figure.ws-timeline").forEach(setUp);
arrive();
