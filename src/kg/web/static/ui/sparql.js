/* Starts YASGUI on /sparql against this page's own endpoint, with nothing fetched from another host.
 * The page works without this file: the plain form posts the query and the server renders the results. */
(function () {
  "use strict";
  var cfgEl = document.getElementById("kg-sparql-config");
  var root = document.getElementById("yasgui");
  if (!cfgEl || !root || typeof window.Yasgui === "undefined") return;
  var cfg = JSON.parse(cfgEl.textContent);
  var Yasgui = window.Yasgui;
  var endpoint = new URL(cfg.endpoint, window.location.href).href;

  // Class/property completion asks an external vocabulary service (LOV): keep only the local completers.
  var completers = Yasgui.Yasqe.defaults.autocompleters;
  for (var i = completers.length - 1; i >= 0; i--) {
    if (completers[i] !== "prefixes" && completers[i] !== "variables") completers.splice(i, 1);
  }
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  // Entity IRIs are their own pages: open them here, not in a new window.
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  var base = new URL(cfg.base, window.location.href).href;
  // The endpoint list offers this endpoint only (the default lists public endpoints elsewhere).
  Yasgui.defaults.endpointCatalogueOptions.getData = function () {
    return [{ endpoint: endpoint }];
  };

  // shown before YASGUI starts: its editor measures itself when created, and draws nothing in a hidden box
  document.getElementById("kg-editor").hidden = false;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    // a ?query= link starts afresh: a restored tab would run its own query first, and that run is aborted
    persistenceId: cfg.query ? null : "dalian-kg " + endpoint,
    // YASGUI would read ?query= itself and run it; the run below would then abort that one ("signal is aborted")
    populateFromUrl: false,
    corsProxy: undefined,
    yasqe: { value: cfg.query || cfg.defaultQuery },
    yasr: { prefixes: cfg.prefixes, defaultPlugin: "table" }
  });
  window.yasgui = yasgui;

  var tab = yasgui.getTab();
  if (tab && tab.getEndpoint && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
  // A ?query= link (home page examples, "SPARQL for this view") opens with that query and runs it; YASGUI's
  // persisted tab would otherwise show the last query typed instead.
  if (tab && cfg.query) {
    tab.setQuery(cfg.query);
    tab.query();
  }

  // YASR's sanitiser sets target=_blank on every link it draws: entity links (IRIs under the data's canonical
  // base) are pages of this site, served at the same path here, and open in place; other IRIs keep a new window.
  function fixEntityLinks(el) {
    var links = el.querySelectorAll("a.iri");
    for (var j = 0; j < links.length; j++) {
      if (links[j].href.indexOf(base) === 0) {
        links[j].href = "/" + links[j].href.slice(base.length);
        links[j].target = "_self";
        links[j].removeAttribute("rel");
        links[j].classList.add("kg-entity");
      }
    }
  }
  new MutationObserver(function () { fixEntityLinks(root); }).observe(root, { childList: true, subtree: true });
  root.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.iri") : null;
    if (a && a.href.indexOf(base) === 0) {
      a.href = "/" + a.href.slice(base.length);
      a.target = "_self";
    }
  }, true);

  // The grouped example selector: choosing one puts its query in the editor (Open runs it); the note under the
  // selector says what it asks and, for a federated query, what the operator must allow.
  var select = document.getElementById("kg-example-select");
  var note = document.getElementById("kg-example-note");
  function chosenExample() {
    return cfg.examples.filter(function (e) { return e.slug === select.value; })[0];
  }
  function showNote(chosen) {
    if (!note) return;
    note.textContent = chosen ? chosen.description : "";
    if (chosen && chosen.note) {
      var strong = document.createElement("strong");
      strong.className = "kg-federated-note";
      strong.textContent = " " + chosen.note;
      note.appendChild(strong);
    }
  }
  if (select) {
    select.addEventListener("change", function () {
      var chosen = chosenExample();
      showNote(chosen);
      if (!chosen) return;
      var t = yasgui.getTab();
      t.setQuery(chosen.query);
      t.setName(chosen.title);
    });
    var exampleForm = document.getElementById("kg-example-form");
    if (exampleForm) {
      exampleForm.addEventListener("submit", function (ev) {
        var chosen = chosenExample();
        if (!chosen) return;
        ev.preventDefault();
        var t = yasgui.getTab();
        t.setQuery(chosen.query);
        t.setName(chosen.title);
        t.query();
      });
    }
  }

  document.body.classList.add("kg-yasgui-ready");
  var form = document.getElementById("kg-plain-form");
  if (form) form.hidden = true;
})();
