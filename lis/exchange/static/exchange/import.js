// Progress of an upload (bytes sent) and of the import job (features done).
(function () {
  "use strict";

  const form = document.getElementById("import-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      const bar = document.getElementById("upload-progress");
      if (!window.XMLHttpRequest || !bar) {
        return;
      }
      event.preventDefault();
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.hidden = false;
          bar.value = Math.round((100 * e.loaded) / e.total);
        }
      });
      request.addEventListener("load", function () {
        if (request.responseURL && request.responseURL !== window.location.href) {
          window.location.href = request.responseURL;
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.send(new FormData(form));
    });
  }

  const box = document.getElementById("job-progress");
  if (box) {
    const bar = document.getElementById("job-progress-bar");
    const text = document.getElementById("job-progress-text");
    const poll = function () {
      fetch(box.dataset.statusUrl, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          const p = data.progress || {};
          bar.max = Math.max(p.total || 1, 1);
          bar.value = p.done || 0;
          text.textContent = (data.phase_label || "") + " " + (p.done || 0) + "/" + (p.total || 0);
          document.getElementById("job-status").textContent = data.status_label;
          if (data.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
})();
