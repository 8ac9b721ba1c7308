// fmkg's SPARQL editor: YASGUI pointed at this server, with named queries, entity links and downloads.
// Everything it asks for is on this server; nothing is fetched from elsewhere.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("fmkg-editor-config").textContent);
  var state = (window.fmkgEditor = { ready: false, queries: 0, error: null });
  if (!window.Yasgui) {
    state.ready = true; // the plain form of editor.html stands in
    return;
  }
  var Yasgui = window.Yasgui.default || window.Yasgui;
  var base = document.baseURI;
  var endpoint = new URL("sparql", base).href;

  // The result formats of the endpoint, by query form: [format parameter, label, file suffix].
  var DOWNLOADS = {
    rows: [["json", "SPARQL JSON", "srj"], ["xml", "SPARQL XML", "srx"], ["csv", "CSV", "csv"], ["tsv", "TSV", "tsv"]],
    ask: [["json", "SPARQL JSON", "srj"], ["xml", "SPARQL XML", "srx"]],
    graph: [["turtle", "Turtle", "ttl"], ["nt", "N-Triples", "nt"], ["json-ld", "JSON-LD", "jsonld"], ["xml", "RDF/XML", "rdf"]],
  };

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: "fmkg-editor",
    populateFromUrl: true,
    yasqe: {
      value: config.query,
      // prefix completion from this server; the class and property completers ask LOV on the web: off
      autocompleters: ["prefixes", "variables"],
      prefixCcApi: new URL(config.prefixesUrl, base).href,
    },
    yasr: { prefixes: config.prefixes },
  });
  state.yasgui = yasgui;

  // fmkg's prefixes are known: one a query uses undeclared (typed or pasted) gets its PREFIX line, so
  // that the editor's syntax check accepts it and a copy of the query works on any endpoint.
  var PNAME = /(^|[\s{}()\[\],;.^\/|!=])([A-Za-z][\w.-]*):(?=[\w-])/g;
  function declareKnown(yasqe) {
    var declared = yasqe.getPrefixesFromQuery() || {};
    var missing = {};
    var text = yasqe.getValue();
    var m;
    PNAME.lastIndex = 0;
    while ((m = PNAME.exec(text))) {
      var prefix = m[2];
      if (config.prefixes[prefix] && !(prefix in declared)) missing[prefix] = config.prefixes[prefix];
    }
    if (Object.keys(missing).length) yasqe.addPrefixes(missing);
  }
  function watch(tab) {
    var yasqe = tab.getYasqe();
    if (!yasqe || yasqe.fmkgWatched) return;
    yasqe.fmkgWatched = true;
    var timer = null;
    yasqe.on("change", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { declareKnown(yasqe); }, 400);
    });
    declareKnown(yasqe);
  }
  watch(yasgui.getTab());
  yasgui.on("tabSelect", function (instance, id) { setTimeout(function () { watch(yasgui.getTab(id)); }, 0); });
  yasgui.on("tabAdd", function (instance, id) { setTimeout(function () { var t = yasgui.getTab(id); if (t) watch(t); }, 0); });
  state.declareKnown = function () { declareKnown(yasgui.getTab().getYasqe()); };

  // An fmkg IRI in the results links to its entity page on this server, not to w3id.org.
  function localise(root) {
    var links = root.querySelectorAll('a[href^="' + config.idBase + '"]');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      a.href = new URL("id/" + a.getAttribute("href").slice(config.idBase.length), base).href;
      a.removeAttribute("target");
      a.classList.add("fmkg-entity");
    }
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  function form(tab) {
    var type = tab.getYasqe().getQueryType();
    if (type === "ASK") return "ask";
    if (type === "CONSTRUCT" || type === "DESCRIBE") return "graph";
    return "rows";
  }

  function showDownloads() {
    var tab = yasgui.getTab();
    var text = tab.getQuery();
    var box = document.getElementById("downloads");
    var span = box.querySelector("span");
    span.textContent = "";
    DOWNLOADS[form(tab)].forEach(function (f, i) {
      var a = document.createElement("a");
      a.href = endpoint + "?" + new URLSearchParams({ query: text, format: f[0] }).toString();
      a.download = "results." + f[2];
      a.textContent = f[1];
      a.dataset.format = f[0];
      if (i) span.appendChild(document.createTextNode(" · "));
      span.appendChild(a);
    });
    box.hidden = false;
  }

  yasgui.on("queryResponse", function () {
    state.queries += 1;
    showDownloads();
  });

  // A named query: the server binds its parameters and answers its text; it opens in a tab of its own.
  function openExample(form) {
    var note = form.querySelector(".note");
    var params = new URLSearchParams(new FormData(form));
    note.textContent = "";
    fetch(new URL("query/examples/" + encodeURIComponent(form.dataset.name) + "?" + params, base))
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          note.textContent = answer.body.error;
          note.className = "note error";
          return;
        }
        note.className = "note";
        note.textContent = answer.body.notes.join(" ");
        var title = form.closest("details").querySelector("summary").textContent;
        var tab = yasgui.addTab(true, { name: title });
        tab.setQuery(answer.body.query);
        tab.getYasqe().query();
      })
      .catch(function (err) {
        note.textContent = String(err);
        note.className = "note error";
      });
  }

  var forms = document.querySelectorAll("form.params");
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener("submit", function (event) {
      event.preventDefault();
      openExample(event.currentTarget);
    });
  }
  state.ready = true;
})();
