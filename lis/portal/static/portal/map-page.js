/* The map page: initial view on all parcels, search box, parcel card. */
(function () {
  "use strict";

  const settings = LIS.readSettings();
  const text = settings.text;
  const el = LIS.el;
  const mapElement = document.getElementById("map");
  const results = document.getElementById("search-results");
  const card = document.getElementById("parcel-card");
  const zoomHint = document.getElementById("zoom-hint");

  const lis = LIS.createMap(mapElement, settings, { onParcelClick: showCard });
  window.lisMap = lis;

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + url);
      return r.json();
    });
  }

  function updateZoomHint() {
    zoomHint.hidden = lis.view.getZoom() >= settings.parcelMinZoom;
  }
  lis.view.on("change:resolution", updateZoomHint);

  getJSON(settings.extentUrl).then(function (data) {
    lis.fit(data.bbox, 18);
    updateZoomHint();
  });

  function fact(label, value) {
    return [el("dt", { text: label }), el("dd", { text: value || "—" })];
  }

  function showCard(id, zoom) {
    return getJSON(settings.parcelApiUrl + id).then(function (parcel) {
      lis.select(parcel.id);
      if (zoom) lis.fit(parcel.bbox, 19);
      const landUse = parcel.purposes.map(function (p) {
        return p.code + " – " + p.name + " (" + p.area_text + ")";
      });
      const facts = el("dl", { class: "facts" }, [].concat(
        fact(text.commune, parcel.commune_text),
        fact(text.landUse, landUse.join("; ")),
        fact(text.legalArea, parcel.legal_area_text),
        fact(text.computedArea, parcel.computed_area_text),
        fact(text.address, parcel.address)
      ));
      const close = el("button", { type: "button", class: "close", "aria-label": text.close, text: "×" });
      close.addEventListener("click", function () {
        card.hidden = true;
        lis.select(null);
      });
      card.replaceChildren(
        close,
        el("h2", { text: parcel.legacy_key }),
        facts,
        el("a", { href: parcel.url, class: "button-primary", text: text.openParcel })
      );
      card.dataset.parcelId = String(parcel.id);
      card.hidden = false;
    });
  }

  function resultItem(hit) {
    const details = [hit.commune_text, hit.land_use.join(", "), hit.legal_area_text];
    const button = el("button", { type: "button", class: "result", "data-parcel-id": hit.id }, [
      el("strong", { text: hit.legacy_key }),
      el("span", { text: details.join(" · ") }),
      hit.owners && hit.owners.length ? el("span", { class: "owners", text: hit.owners.join("; ") }) : null,
    ]);
    button.addEventListener("click", function () {
      showCard(hit.id, true);
    });
    return el("li", {}, [button]);
  }

  function showResults(data) {
    if (!data.results.length) {
      results.replaceChildren(el("p", { class: "note", text: text.noResult }));
      return;
    }
    const children = [
      el("p", { class: "hint", text: LIS.format(text.found, { count: data.count }) }),
      el("ul", { class: "result-list" }, data.results.map(resultItem)),
    ];
    if (data.more) children.push(el("p", { class: "note", text: LIS.format(text.more, { count: data.more }) }));
    results.replaceChildren.apply(results, children);
  }

  document.getElementById("map-search").addEventListener("submit", function (event) {
    event.preventDefault();
    const query = document.getElementById("map-search-q").value.trim();
    if (!query) return;
    getJSON(settings.searchUrl + "?q=" + encodeURIComponent(query))
      .then(showResults)
      .catch(function () {
        results.replaceChildren(el("p", { class: "error", text: text.searchFailed }));
      });
  });
})();
