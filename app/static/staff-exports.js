// Staff export page: follow the background export without reloading (the refresh link
// does the same job without JavaScript).
"use strict";
(function () {
  const box = document.getElementById("export-job");
  if (!box || !window.fetch) return;
  const url = box.dataset.statusUrl;
  const bar = document.getElementById("export-progress");
  const percent = document.getElementById("export-percent");
  const message = document.getElementById("export-message");
  const rows = document.getElementById("export-rows");
  const refresh = document.getElementById("export-refresh");
  const download = document.getElementById("export-download");

  function show(status) {
    bar.value = status.percent;
    bar.textContent = status.percent_text;
    percent.textContent = status.percent_text;
    rows.textContent = status.rows;
    if (message.textContent !== status.message) {  // the live region speaks on a new step only
      message.textContent = status.message;
    }
    box.dataset.status = status.status;
    const finished = status.status === "done" || status.status === "failed";
    refresh.hidden = finished;
    download.hidden = !status.download;
    return finished;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (status) { if (!show(status)) window.setTimeout(poll, 700); })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
