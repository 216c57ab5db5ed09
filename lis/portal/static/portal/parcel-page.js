/* The small map of the parcel page: the parcel highlighted among its
 * neighbours; clicking a neighbour opens its page. */
(function () {
  "use strict";

  const settings = LIS.readSettings();
  const element = document.getElementById("parcel-map");
  const parcelId = Number(element.dataset.parcelId);
  const bbox = element.dataset.bbox.split(",").map(Number);

  const lis = LIS.createMap(element, settings, {
    selectedId: parcelId,
    onParcelClick: function (id) {
      if (id !== parcelId) window.location.href = settings.parcelPageUrl + id;
    },
  });
  window.lisMap = lis;
  lis.fit(bbox, 19);
})();
