// Staff partner form: the preview of the criteria follows what is typed. The page's own
// "Preview without saving" button does the same without JavaScript; nothing is saved here.
"use strict";
(function () {
  const form = document.getElementById("partner-form");
  const box = document.querySelector("#rules-preview [data-preview]");
  if (!form || !box || !window.fetch || !window.DOMParser) return;
  let timer = null;
  let asked = 0;

  function refresh() {
    const body = new URLSearchParams(new FormData(form));
    body.set("_action", "preview");
    const mine = ++asked;
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== asked) return;  // a later answer is on its way
        const page = new DOMParser().parseFromString(html, "text/html");
        const fresh = page.querySelector("#rules-preview [data-preview]");
        if (fresh && fresh.innerHTML !== box.innerHTML) box.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* the button still previews */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
