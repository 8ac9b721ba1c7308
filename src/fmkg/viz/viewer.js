/* fmkg's graph viewer: search, filters, focus mode, legend and side panel over vis-network.
 * Inlined into the page by `fmkg viz`. Data comes from the JSON blocks of the page; every text from
 * the data is set with textContent (never innerHTML) and tooltips are plain text. */
(function () {
  "use strict";

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }
  function byId(id) {
    return document.getElementById(id);
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  var rawNodes = readJson("fmkg-nodes");
  var rawEdges = readJson("fmkg-edges");
  var options = readJson("fmkg-options");
  var page = readJson("fmkg-data");
  var facts = page.facts;
  var classes = {};
  page.classes.forEach(function (c) { classes[c.key] = c; });
  var relations = {};
  page.relations.forEach(function (r) { relations[r.key] = r; });
  var fallbackRelation = { key: "", label: "related to", color: "#9e9e9e", width: 1, dashes: false, flow: false };

  // -- adjacency, for focus mode, filters and the side panel --------------------------------------
  var outgoing = {};
  var incoming = {};
  rawNodes.forEach(function (n) { outgoing[n.id] = []; incoming[n.id] = []; });
  rawEdges.forEach(function (e) {
    outgoing[e.from].push(e);
    incoming[e.to].push(e);
  });

  // -- text helpers --------------------------------------------------------------------------------
  function className(key) {
    return classes[key] ? classes[key].label : key;
  }
  function relation(key) {
    return relations[key] || fallbackRelation;
  }
  function formatCount(n) {
    var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < units.length; i++) {
      if (n >= units[i][0]) {
        var v = n / units[i][0];
        return (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)).replace(/\.?0+$/, "") + units[i][1];
      }
    }
    return String(n);
  }
  function weightText(f) {
    if (page.sizeBy === "degree") return f.weight + (f.weight === 1 ? " link" : " links");
    return f.weight + " downstream";
  }
  function tooltip(id) {
    var f = facts[id];
    var second = [className(f["class"])];
    if (f.developerLabels) second.push(f.developerLabels.join(", "));
    if (f.released) second.push(f.released);
    var lines = [f.label, second.join(" · ")];
    if (f.parameters) lines.push(formatCount(f.parameters) + " parameters");
    if (f.weight) lines.push(weightText(f));
    return lines.join("\n");
  }
  function edgeTitle(e) {
    return facts[e.from].label + " — " + relation(e.rel).label + " → " + facts[e.to].label;
  }
  function isWebLink(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url);
  }

  // -- the network ---------------------------------------------------------------------------------
  var nodes = new vis.DataSet(rawNodes.map(function (n) {
    var copy = Object.assign({}, n);
    copy.title = tooltip(n.id);
    return copy;
  }));
  var edges = new vis.DataSet(rawEdges.map(function (e) {
    var r = relation(e.rel);
    return {
      id: e.id, from: e.from, to: e.to, rel: e.rel, title: edgeTitle(e), width: r.width, dashes: r.dashes,
      color: { color: r.color, highlight: r.color, hover: r.color }
    };
  }));
  var container = byId("fmkg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  var fmkg = {
    nodes: nodes, edges: edges, network: network, page: page, ready: false, readyMs: null, selected: null,
    moving: false
  };
  window.fmkg = fmkg;

  network.once("afterDrawing", function () {
    fmkg.ready = true;
    fmkg.readyMs = Math.round(performance.now());
    document.documentElement.setAttribute("data-fmkg-ready", "true");
  });

  // The timeline's year axis, drawn under the graph in canvas coordinates.
  if (page.axis && page.axis.length) {
    network.on("beforeDrawing", function (ctx) {
      var scale = network.getScale();
      var rect = container.getBoundingClientRect();
      var top = network.DOMtoCanvas({ x: 0, y: 0 }).y;
      var bottom = network.DOMtoCanvas({ x: 0, y: rect.height }).y;
      ctx.save();
      ctx.lineWidth = 1 / scale;
      ctx.font = Math.round(13 / scale) + "px system-ui, sans-serif";
      ctx.textAlign = "left";
      var lastLabel = -Infinity;
      page.axis.forEach(function (t) {
        ctx.strokeStyle = "#e3e7ee";
        ctx.beginPath();
        ctx.moveTo(t.x, top);
        ctx.lineTo(t.x, bottom);
        ctx.stroke();
        if ((t.x - lastLabel) * scale < 44) return; // no overlapping year labels
        lastLabel = t.x;
        ctx.fillStyle = "#7a8396";
        ctx.fillText(t.label, t.x + 4 / scale, top + 16 / scale);
      });
      ctx.restore();
    });
  }

  // -- filters and focus ---------------------------------------------------------------------------
  var years = page.years || [null, null];
  var state = {
    classOff: {}, relationOff: {}, org: "", since: null, until: null, modality: "", focus: null
  };
  fmkg.state = state;
  var hidden = {};
  var hiddenEdges = {};
  rawNodes.forEach(function (n) { hidden[n.id] = false; });
  rawEdges.forEach(function (e) { hiddenEdges[e.id] = false; });

  function closure(root, direction, depth) {
    var seen = {};
    seen[root] = true;
    ["up", "down"].forEach(function (dir) {
      if (direction !== "both" && direction !== dir) return;
      var dist = {};
      dist[root] = 0;
      var queue = [root];
      while (queue.length) {
        var node = queue.shift();
        if (depth && dist[node] >= depth) continue;
        var hops = dir === "up" ? outgoing[node] : incoming[node];
        for (var i = 0; i < hops.length; i++) {
          var e = hops[i];
          if (!relation(e.rel).flow || state.relationOff[e.rel]) continue;
          var next = dir === "up" ? e.to : e.from;
          if (!(next in dist)) {
            dist[next] = dist[node] + 1;
            seen[next] = true;
            queue.push(next);
          }
        }
      }
    });
    return seen;
  }

  function primaryPasses(id) {
    var f = facts[id];
    if (state.focus && !state.focus.members[id]) return false;
    if (state.org && (!f.developers || f.developers.indexOf(state.org) < 0)) return false;
    if (state.since !== null && (!f.year || f.year < state.since)) return false;
    if (state.until !== null && (!f.year || f.year > state.until)) return false;
    if (state.modality && (!f.modalities || f.modalities.indexOf(state.modality) < 0)) return false;
    return true;
  }

  function apply(fit) {
    var narrowed = !!(state.focus || state.org || state.modality || state.since !== null || state.until !== null);
    var show = {};
    rawNodes.forEach(function (n) {
      var f = facts[n.id];
      show[n.id] = !state.classOff[f["class"]] && f.primary && primaryPasses(n.id);
    });
    rawNodes.forEach(function (n) {
      var f = facts[n.id];
      if (f.primary || state.classOff[f["class"]]) return;
      if (!narrowed) {
        show[n.id] = true;
        return;
      }
      if (state.focus && state.focus.members[n.id]) {
        show[n.id] = true;
        return;
      }
      var links = outgoing[n.id].concat(incoming[n.id]);
      show[n.id] = links.some(function (e) {
        var other = e.from === n.id ? e.to : e.from;
        return !state.relationOff[e.rel] && show[other] && facts[other].primary;
      });
    });
    var nodeChanges = [];
    var visibleIds = [];
    rawNodes.forEach(function (n) {
      if (show[n.id]) visibleIds.push(n.id);
      if (hidden[n.id] === !show[n.id]) return;
      hidden[n.id] = !show[n.id];
      nodeChanges.push({ id: n.id, hidden: !show[n.id] });
    });
    var edgeChanges = [];
    var visibleEdges = 0;
    rawEdges.forEach(function (e) {
      var on = !state.relationOff[e.rel] && show[e.from] && show[e.to];
      if (on) visibleEdges++;
      if (hiddenEdges[e.id] === !on) return;
      hiddenEdges[e.id] = !on;
      edgeChanges.push({ id: e.id, hidden: !on });
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    fmkg.visible = visibleIds.length;
    fmkg.visibleEdges = visibleEdges;
    var status = "Showing " + visibleIds.length.toLocaleString("en") + " of " + rawNodes.length.toLocaleString("en") +
      " entities · " + visibleEdges.toLocaleString("en") + " links";
    if (page.total > rawNodes.length) status += " (" + page.total.toLocaleString("en") + " in the graph)";
    byId("fmkg-status").textContent = status;
    var bar = byId("fmkg-focusbar");
    if (state.focus) {
      var words = { up: "Ancestors of ", down: "Descendants of ", both: "Lineage of " }[state.focus.direction];
      byId("fmkg-focus-text").textContent = words + facts[state.focus.id].label +
        (state.focus.depth ? " (depth " + state.focus.depth + ")" : "");
      bar.hidden = false;
    } else {
      bar.hidden = true;
    }
    if (fit && visibleIds.length) fitView(visibleIds, true);
    return visibleIds.length;
  }

  // Fit the given nodes into the part of the canvas that the legend and the panel leave free.
  // How much of the canvas the legend (left) and the side panel (right) cover, in pixels.
  function freeArea() {
    var rect = container.getBoundingClientRect();
    var legend = byId("fmkg-legend").getBoundingClientRect();
    var left = Math.min(Math.max(0, legend.right - rect.left + 8), rect.width / 3);
    var right = panel.hidden ? 0 : Math.min(Math.max(0, rect.right - panel.getBoundingClientRect().left + 8), rect.width / 2);
    return { left: left, right: right, width: rect.width };
  }

  function fitView(ids, animate) {
    network.fit({ nodes: ids, animation: false });
    var area = freeArea();
    var left = area.left;
    var right = area.right;
    var rect = { width: area.width };
    var free = rect.width - left - right;
    if (free <= 0) return;
    var scale = network.getScale() * Math.min(1, free / rect.width) * 0.97;
    var center = network.getViewPosition();
    var moveTo = {
      position: { x: center.x - (left - right) / 2 / scale, y: center.y },
      scale: scale
    };
    if (animate) moveTo.animation = { duration: 300, easingFunction: "easeInOutQuad" };
    network.moveTo(moveTo);
  }

  function setFocus(id, direction, depth) {
    if (!facts[id]) return 0;
    direction = direction || "both";
    depth = depth ? Number(depth) : 0;
    state.focus = { id: id, direction: direction, depth: depth, members: closure(id, direction, depth) };
    var count = apply(true);
    network.selectNodes([id]);
    showPanel(id);
    return count;
  }
  function clearFocus() {
    state.focus = null;
    return apply(true);
  }

  // -- the side panel ------------------------------------------------------------------------------
  var panel = byId("fmkg-panel");
  function swatch(key, size) {
    var c = classes[key] || { shape: "dot", color: "#9e9e9e" };
    return shapeIcon(c.shape, c.color, size || 12);
  }
  function nodeLink(id, text) {
    var b = el("button", text || (facts[id] ? facts[id].label : id), "fmkg-link");
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    return b;
  }
  function fact(dl, name, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join("; ") : String(value);
    dl.appendChild(dd);
  }
  function showPanel(id) {
    var f = facts[id];
    if (!f) return;
    var badge = byId("fmkg-p-class");
    clear(badge);
    badge.appendChild(swatch(f["class"]));
    badge.appendChild(el("span", className(f["class"])));
    byId("fmkg-p-label").textContent = f.label;
    byId("fmkg-p-description").textContent = f.description || "";
    var dl = byId("fmkg-p-facts");
    clear(dl);
    if (f.developers) {
      var devs = el("span");
      f.developers.forEach(function (d, i) {
        if (i) devs.appendChild(document.createTextNode(", "));
        devs.appendChild(facts[d] ? nodeLink(d) : el("span", f.developerLabels[i]));
      });
      fact(dl, f.developers.length > 1 ? "Developers" : "Developer", devs);
    }
    fact(dl, "Released", f.released);
    if (f.parameters) fact(dl, "Parameters", formatCount(f.parameters) + " (" + f.parameters.toLocaleString("en") + ")");
    fact(dl, "Modalities", f.modalities);
    fact(dl, "Architecture", f.architecture);
    fact(dl, "Licence", f.license);
    fact(dl, "Access", f.access);
    fact(dl, "Also known as", f.aliases);
    fact(dl, page.sizeBy === "degree" ? "Links" : "Downstream", f.weight);
    if (isWebLink(f.iri)) {
      var iri = el("a", f.iri);
      iri.href = f.iri;
      iri.target = "_blank";
      iri.rel = "noopener noreferrer";
      fact(dl, "IRI", iri);
    }
    var links = byId("fmkg-p-links");
    clear(links);
    var rows = outgoing[id].map(function (e) { return [relation(e.rel).label, e.to, false]; })
      .concat(incoming[id].map(function (e) { return [relation(e.rel).label, e.from, true]; }));
    rows.sort(function (a, b) {
      return a[2] - b[2] || a[0].localeCompare(b[0]) || facts[a[1]].label.localeCompare(facts[b[1]].label);
    });
    rows.slice(0, 80).forEach(function (row) {
      var li = el("li");
      if (row[2]) {
        li.appendChild(nodeLink(row[1]));
        li.appendChild(el("span", " " + row[0] + " this", "fmkg-rel"));
      } else {
        li.appendChild(el("span", row[0] + " ", "fmkg-rel"));
        li.appendChild(nodeLink(row[1]));
      }
      links.appendChild(li);
    });
    if (rows.length > 80) links.appendChild(el("li", "… and " + (rows.length - 80) + " more"));
    byId("fmkg-p-links-title").hidden = !rows.length;
    var sources = byId("fmkg-p-sources");
    clear(sources);
    (f.sources || []).concat(f.sameAs || []).forEach(function (url) {
      if (!isWebLink(url)) return;
      var li = el("li");
      var a = el("a", url);
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.appendChild(a);
      sources.appendChild(li);
    });
    byId("fmkg-p-sources-title").hidden = !sources.childNodes.length;
    panel.hidden = false;
    panel.setAttribute("data-node", id);
    fmkg.selected = id;
  }
  function hidePanel() {
    panel.hidden = true;
    fmkg.selected = null;
  }

  // Select a node, open its panel and move the camera so that it sits in the middle of the free area.
  function select(id) {
    if (!facts[id]) return false;
    if (hidden[id]) reset(false);
    network.selectNodes([id]);
    showPanel(id);
    var scale = Math.max(network.getScale(), 1.4);
    var free = freeArea();
    var at = network.getPositions([id])[id];
    fmkg.moving = true;
    network.once("animationFinished", function () { fmkg.moving = false; });
    network.moveTo({
      position: { x: at.x - (free.left - free.right) / 2 / scale, y: at.y },
      scale: scale,
      animation: { duration: 350, easingFunction: "easeInOutQuad" }
    });
    return true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else if (!params.edges.length) hidePanel();
  });
  byId("fmkg-close").addEventListener("click", function () {
    network.unselectAll();
    hidePanel();
  });
  Array.prototype.forEach.call(document.querySelectorAll("#fmkg-p-focus button"), function (b) {
    b.addEventListener("click", function () {
      if (fmkg.selected) setFocus(fmkg.selected, b.getAttribute("data-direction"), byId("fmkg-depth").value);
    });
  });
  byId("fmkg-unfocus").addEventListener("click", clearFocus);

  // -- search with completion ----------------------------------------------------------------------
  function norm(text) {
    return String(text).normalize("NFKD").toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  }
  var searchIndex = Object.keys(facts).map(function (id) {
    var f = facts[id];
    var aliases = (f.aliases || []).map(norm);
    aliases.push(norm(id.split(":").pop()));
    return { id: id, label: norm(f.label), aliases: aliases, weight: f.weight || 0 };
  });
  function search(query, limit) {
    var q = norm(query);
    if (!q) return [];
    var hits = [];
    searchIndex.forEach(function (entry) {
      var score = -1;
      if (entry.label === q) score = 0;
      else if (entry.label.indexOf(q) === 0) score = 1;
      else if (entry.aliases.indexOf(q) >= 0) score = 2;
      else if (entry.aliases.some(function (a) { return a.indexOf(q) === 0; })) score = 3;
      else if (entry.label.indexOf(q) > 0) score = 4;
      else if (entry.aliases.some(function (a) { return a.indexOf(q) > 0; })) score = 5;
      if (score >= 0) hits.push([score, entry]);
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || b[1].weight - a[1].weight || facts[a[1].id].label.localeCompare(facts[b[1].id].label);
    });
    return hits.slice(0, limit || 12).map(function (h) { return h[1].id; });
  }
  var input = byId("fmkg-search");
  var list = byId("fmkg-suggestions");
  var active = -1;
  function closeList() {
    list.hidden = true;
    active = -1;
  }
  function choose(id) {
    closeList();
    input.value = facts[id].label;
    select(id);
  }
  function renderList() {
    clear(list);
    active = -1;
    var ids = search(input.value);
    ids.forEach(function (id) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-id", id);
      li.appendChild(swatch(facts[id]["class"], 10));
      li.appendChild(el("span", facts[id].label));
      li.appendChild(el("span", className(facts[id]["class"]), "fmkg-kind"));
      li.addEventListener("mousedown", function (ev) {
        ev.preventDefault();
        choose(id);
      });
      list.appendChild(li);
    });
    if (!ids.length && input.value.trim()) list.appendChild(el("li", "No match"));
    list.hidden = !input.value.trim();
  }
  function markActive(i) {
    var items = list.querySelectorAll("li[data-id]");
    if (!items.length) return;
    active = (i + items.length) % items.length;
    Array.prototype.forEach.call(items, function (li, j) { li.setAttribute("aria-selected", String(j === active)); });
    items[active].scrollIntoView({ block: "nearest" });
  }
  input.addEventListener("input", renderList);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown") { markActive(active + 1); ev.preventDefault(); }
    else if (ev.key === "ArrowUp") { markActive(active - 1); ev.preventDefault(); }
    else if (ev.key === "Escape") closeList();
    else if (ev.key === "Enter") {
      var items = list.querySelectorAll("li[data-id]");
      var pick = items[active >= 0 ? active : 0];
      if (!pick) {
        var ids = search(input.value, 1);
        if (ids.length) choose(ids[0]);
      } else {
        choose(pick.getAttribute("data-id"));
      }
      ev.preventDefault();
    }
  });
  input.addEventListener("blur", function () { setTimeout(closeList, 150); });

  // -- header filters ------------------------------------------------------------------------------
  var orgSelect = byId("fmkg-org");
  page.orgs.forEach(function (o) {
    var opt = el("option", o.label + " (" + o.count + ")");
    opt.value = o.id;
    orgSelect.appendChild(opt);
  });
  orgSelect.addEventListener("change", function () {
    state.org = orgSelect.value;
    apply(true);
  });
  var modalitySelect = byId("fmkg-modality");
  page.modalities.forEach(function (m) {
    var opt = el("option", m);
    opt.value = m;
    modalitySelect.appendChild(opt);
  });
  modalitySelect.addEventListener("change", function () {
    state.modality = modalitySelect.value;
    apply(false);
  });
  var sinceInput = byId("fmkg-since");
  var untilInput = byId("fmkg-until");
  [sinceInput, untilInput].forEach(function (box) {
    if (years[0] !== null) {
      box.min = years[0];
      box.max = years[1];
    }
    box.addEventListener("change", function () { setYears(sinceInput.value, untilInput.value); });
  });
  function setYears(since, until) {
    var s = since === "" || since === null || since === undefined ? null : Number(since);
    var u = until === "" || until === null || until === undefined ? null : Number(until);
    state.since = s !== null && years[0] !== null && s <= years[0] ? null : s;
    state.until = u !== null && years[1] !== null && u >= years[1] ? null : u;
    sinceInput.value = s === null ? (years[0] === null ? "" : years[0]) : s;
    untilInput.value = u === null ? (years[1] === null ? "" : years[1]) : u;
    return apply(false);
  }
  if (years[0] !== null) {
    sinceInput.value = years[0];
    untilInput.value = years[1];
  }

  // -- legend: classes and relations, each a toggle ------------------------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function shapeIcon(shape, color, size) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    var points = {
      diamond: "10,1 19,10 10,19 1,10",
      triangle: "10,2 19,18 1,18",
      triangleDown: "1,2 19,2 10,18",
      star: "10,1 12.6,7 19,7.4 14,11.6 15.6,18 10,14.5 4.4,18 6,11.6 1,7.4 7.4,7",
      hexagon: "5,2 15,2 19.5,10 15,18 5,18 0.5,10"
    }[shape];
    var s;
    if (points) {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", points);
    } else if (shape === "square") {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", 2); s.setAttribute("y", 2); s.setAttribute("width", 16); s.setAttribute("height", 16);
    } else {
      s = document.createElementNS(SVG, "circle");
      s.setAttribute("cx", 10); s.setAttribute("cy", 10); s.setAttribute("r", 8.5);
    }
    s.setAttribute("fill", color);
    s.setAttribute("stroke", "#333");
    s.setAttribute("stroke-width", "1");
    svg.appendChild(s);
    return svg;
  }
  function lineIcon(r) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", 30);
    svg.setAttribute("height", 10);
    svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", 1); line.setAttribute("y1", 5); line.setAttribute("x2", 24); line.setAttribute("y2", 5);
    line.setAttribute("stroke", r.color);
    line.setAttribute("stroke-width", Math.max(1.5, r.width));
    if (Array.isArray(r.dashes)) line.setAttribute("stroke-dasharray", r.dashes.join(" "));
    svg.appendChild(line);
    var head = document.createElementNS(SVG, "polygon");
    head.setAttribute("points", "23,1 30,5 23,9");
    head.setAttribute("fill", r.color);
    svg.appendChild(head);
    return svg;
  }
  function legendItem(icon, label, count, key, table) {
    var li = el("li");
    li.setAttribute("role", "button");
    li.setAttribute("tabindex", "0");
    li.setAttribute("data-key", key);
    li.title = "Hide or show";
    li.appendChild(icon);
    li.appendChild(el("span", label));
    li.appendChild(el("span", count.toLocaleString("en"), "fmkg-count"));
    function toggle() {
      table[key] = !table[key];
      li.classList.toggle("fmkg-off", table[key]);
      if (state.focus) state.focus.members = closure(state.focus.id, state.focus.direction, state.focus.depth);
      apply(false);
    }
    li.addEventListener("click", toggle);
    li.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { toggle(); ev.preventDefault(); }
    });
    return li;
  }
  var classList = byId("fmkg-classes");
  page.classes.forEach(function (c) {
    classList.appendChild(legendItem(shapeIcon(c.shape, c.color, 14), c.label, c.count, c.key, state.classOff));
  });
  var relationList = byId("fmkg-relations");
  page.relations.forEach(function (r) {
    if (r.count) relationList.appendChild(legendItem(lineIcon(r), r.label, r.count, r.key, state.relationOff));
  });
  byId("fmkg-size-note").textContent = page.sizeBy === "degree"
    ? "Size: how many links an entity has."
    : "Size: how much is downstream of an entity (derived from it, powered by it, trained on it; for an organisation, what it developed and what came of it).";
  var layoutNotes = {
    force: "Layout: force-directed, computed once with a fixed seed.",
    lineage: "Layout: lineage, ancestors above their descendants; families packed in rows; organisations on top.",
    timeline: "Layout: timeline, release date from left to right, one lane per developer."
  };
  var layoutNote = layoutNotes[page.layout] || "";
  if (page.sampled) layoutNote += " Only the most important entities are drawn (--sample).";
  byId("fmkg-layout-note").textContent = layoutNote + " Arrows point from a model to what it comes from.";

  // -- reset ---------------------------------------------------------------------------------------
  function reset(fit) {
    state.focus = null;
    state.org = "";
    state.modality = "";
    state.since = null;
    state.until = null;
    Object.keys(state.classOff).forEach(function (k) { delete state.classOff[k]; });
    Object.keys(state.relationOff).forEach(function (k) { delete state.relationOff[k]; });
    Array.prototype.forEach.call(document.querySelectorAll("#fmkg-legend li.fmkg-off"), function (li) {
      li.classList.remove("fmkg-off");
    });
    orgSelect.value = "";
    modalitySelect.value = "";
    sinceInput.value = years[0] === null ? "" : years[0];
    untilInput.value = years[1] === null ? "" : years[1];
    return apply(fit !== false);
  }
  byId("fmkg-reset").addEventListener("click", function () { reset(true); });

  // -- the page's API, used by tests and by anyone at the console -----------------------------------
  fmkg.search = search;
  fmkg.select = select;
  fmkg.focusOn = setFocus;
  fmkg.clearFocus = clearFocus;
  fmkg.reset = reset;
  fmkg.setOrg = function (id) { orgSelect.value = id || ""; state.org = orgSelect.value; return apply(true); };
  fmkg.setModality = function (m) { modalitySelect.value = m || ""; state.modality = modalitySelect.value; return apply(false); };
  fmkg.setYears = setYears;
  fmkg.toggleClass = function (key) { clickLegend("#fmkg-classes", key); return fmkg.visible; };
  fmkg.toggleRelation = function (key) { clickLegend("#fmkg-relations", key); return fmkg.visible; };
  fmkg.visibleIds = function () {
    return nodes.get({ filter: function (n) { return !n.hidden; }, fields: ["id"] }).map(function (n) { return n.id; });
  };
  function clickLegend(list, key) {
    var items = document.querySelectorAll(list + " li");
    for (var i = 0; i < items.length; i++) if (items[i].getAttribute("data-key") === key) items[i].click();
  }

  // A link such as graph.html#focus=model:gpt-3 (from an entity page) opens the viewer focused on
  // that entity and its lineage two steps both ways.
  function focusFromHash() {
    var m = /^#focus=(.+)$/.exec(window.location.hash);
    if (!m) return false;
    var id;
    try { id = decodeURIComponent(m[1]); } catch (e) { return false; }
    return setFocus(id, "both", 2) > 0;
  }
  window.addEventListener("hashchange", focusFromHash);

  apply(false);
  if (!focusFromHash()) {
    if (page.focus && facts[page.focus]) {
      network.selectNodes([page.focus]);
      showPanel(page.focus);
    }
    fitView(rawNodes.map(function (n) { return n.id; }), false);
  }
})();
