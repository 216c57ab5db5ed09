/* The LIS cadastral map: parcels and map sheets as vector tiles, drawn by
 * OpenLayers with no base map, so that it works without internet.
 * Shared by the map page and the parcel page; the server writes the
 * settings (endpoints, zoom thresholds, legend, strings) as JSON into
 * #map-settings. */
(function () {
  "use strict";

  const LIS = (window.LIS = window.LIS || {});

  LIS.readSettings = function () {
    return JSON.parse(document.getElementById("map-settings").textContent);
  };

  /* Fill "%(name)s" placeholders of a translated string. */
  LIS.format = function (template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  };

  /* Build an element with attributes and children (text is never HTML). */
  LIS.el = function (tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(function ([name, value]) {
      if (name === "text") node.textContent = value;
      else if (value !== null && value !== undefined) node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.append(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  };

  function colourIndex(legend) {
    const byCode = {};
    let other = "#ececec";
    legend.forEach(function (group) {
      group.codes.forEach(function (code) {
        byCode[code] = group.colour;
      });
      if (group.key === "other") other = group.colour;
    });
    return function (landUse) {
      const first = String(landUse || "").split("+")[0];
      return byCode[first] || other;
    };
  }

  function styles(settings, state, view) {
    const colourOf = colourIndex(settings.legend);
    const cache = {};
    const outline = new ol.style.Stroke({ color: "#5f5f5f", width: 0.7 });
    const selectedOutline = new ol.style.Stroke({ color: "#d00000", width: 3 });
    const sheetOutline = new ol.style.Stroke({
      color: "#1f3a5f",
      width: 1.6,
      lineDash: [8, 5],
    });
    const labelFill = new ol.style.Fill({ color: "#1b1b1b" });
    const halo = new ol.style.Stroke({ color: "rgba(255,255,255,0.9)", width: 3 });

    function parcelStyle(feature, zoom) {
      const colour = colourOf(feature.get("land_use"));
      const selected = feature.get("id") === state.selectedId;
      const label = zoom >= settings.labelMinZoom ? String(feature.get("number")) : "";
      const key = [colour, selected, label].join("|");
      if (!cache[key]) {
        cache[key] = new ol.style.Style({
          fill: new ol.style.Fill({ color: colour }),
          stroke: selected ? selectedOutline : outline,
          zIndex: selected ? 2 : 1,
          text: label
            ? new ol.style.Text({
                text: label,
                font: "12px system-ui, sans-serif",
                fill: labelFill,
                stroke: halo,
              })
            : undefined,
        });
      }
      return cache[key];
    }

    function sheetStyle(feature, zoom) {
      // Far out, sheets show where the data is; their numbers would pile up.
      const label =
        zoom >= settings.sheetLabelMinZoom
          ? LIS.format(settings.text.sheet, { number: feature.get("number") })
          : "";
      const key = "sheet|" + label;
      if (!cache[key]) {
        cache[key] = new ol.style.Style({
          stroke: sheetOutline,
          zIndex: 3,
          text: new ol.style.Text({
            text: label,
            font: "bold 13px system-ui, sans-serif",
            fill: new ol.style.Fill({ color: "#1f3a5f" }),
            stroke: new ol.style.Stroke({ color: "#fff", width: 4 }),
            overflow: true,
          }),
        });
      }
      return cache[key];
    }

    return function (feature, resolution) {
      const zoom = view.getZoomForResolution(resolution);
      if (feature.get("layer") === "sheets") return sheetStyle(feature, zoom);
      return parcelStyle(feature, zoom);
    };
  }

  /* Create a map in `element`. Options: selectedId, onParcelClick(id). */
  LIS.createMap = function (element, settings, options) {
    options = options || {};
    const state = { selectedId: options.selectedId || null, parcelFeatures: 0 };
    const view = new ol.View({
      center: ol.proj.fromLonLat([106.9, 11.8]),
      zoom: 9,
      maxZoom: 21,
    });
    // 256-pixel tiles, and OpenLayers draws vector tiles of the zoom level
    // below the view's: at view zoom 14.6 it shows z14 tiles. The server's
    // thresholds (sheets from z9, parcels from z14) are then the page's.
    const source = new ol.source.VectorTile({
      format: new ol.format.MVT(),
      url: settings.tileUrl,
      tileSize: 256,
      maxZoom: 18,
    });
    const layer = new ol.layer.VectorTile({
      source: source,
      declutter: true,
      // minZoom is exclusive: shown from zoom 9.0 on, not at 8.9.
      minZoom: settings.sheetMinZoom - 1e-6,
      style: styles(settings, state, view),
    });
    const map = new ol.Map({
      target: element,
      layers: [layer],
      view: view,
      controls: ol.control.defaults
        .defaults({ attribution: false })
        .extend([new ol.control.ScaleLine()]),
    });

    source.on("tileloadend", function (event) {
      const features = event.tile.getFeatures ? event.tile.getFeatures() : [];
      features.forEach(function (feature) {
        if (feature.get("layer") === "parcels") state.parcelFeatures += 1;
      });
    });
    map.on("rendercomplete", function () {
      element.dataset.parcelFeatures = String(state.parcelFeatures);
      if (state.parcelFeatures > 0) element.dataset.ready = "true";
    });

    function parcelAt(pixel) {
      let found = null;
      map.forEachFeatureAtPixel(
        pixel,
        function (feature) {
          if (feature.get("layer") === "parcels") {
            found = feature;
            return true;
          }
          return false;
        },
        { hitTolerance: 2 }
      );
      return found;
    }

    map.on("singleclick", function (event) {
      const parcel = parcelAt(event.pixel);
      if (parcel && options.onParcelClick) options.onParcelClick(parcel.get("id"));
    });
    map.on("pointermove", function (event) {
      if (event.dragging) return;
      element.style.cursor = parcelAt(event.pixel) ? "pointer" : "";
    });

    return {
      map: map,
      view: view,
      layer: layer,
      source: source,
      state: state,
      select: function (id) {
        state.selectedId = id;
        layer.changed();
      },
      fit: function (bbox, maxZoom) {
        view.fit(bbox, {
          padding: [40, 40, 40, 40],
          maxZoom: maxZoom || 19,
          size: map.getSize(),
        });
      },
    };
  };
})();
