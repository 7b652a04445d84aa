// The wizard's company step: a SIREN or SIRET typed looks the company up in the registry
// (POST to the page's own endpoint, session cookie and CSRF header). Empty fields are filled
// and saved by the autosave like typed ones; a field typed differently keeps its value and
// shows the registry's with a button to take it. Without script, the page works as before.
"use strict";

(function () {
  const LENGTHS = { "company.siret": 14, "company.siren": 9 };

  function compact(value) { return String(value || "").replace(/[\s.\u00a0\u202f]/g, ""); }

  function describedBy(el, id, on) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
      .filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  function setup(form, box) {
    const message = box.querySelector("[data-registry-message]");
    const offerTemplate = box.querySelector("template[data-registry-offer]");
    let seq = 0;         // an answer for an older number is dropped
    let answeredFor = "";  // the number last answered (a pending one is asked again)
    let timer = null;
    let filling = false;  // our own change events do not start a look-up
    let said = { kind: "", text: "" };

    function say(kind, text, detail) {
      said = { kind: kind, text: text };
      box.className = "registry-status" + (kind ? " is-" + kind : "");
      message.textContent = "";
      if (!text) return;
      const strong = document.createElement("strong");
      strong.textContent = text;
      message.appendChild(strong);
      if (detail) message.appendChild(document.createTextNode(" " + detail));
    }

    function clearOffers() {
      form.querySelectorAll("[data-registry-added]").forEach(function (el) {
        const control = document.getElementById(el.dataset.registryAdded);
        if (control) describedBy(control, el.id, false);
        el.remove();
      });
    }

    function changed(control, value) {
      filling = true;
      try {
        control.value = value;
        control.dispatchEvent(new Event("input", { bubbles: true }));
        control.dispatchEvent(new Event("change", { bubbles: true }));
      } finally {
        filling = false;
      }
    }

    function canHold(control, value) {
      if (control.tagName !== "SELECT") return true;
      return Array.from(control.options).some(function (o) { return o.value === value; });
    }

    function place(control, el) {
      const field = control.closest(".field");
      if (!field) return;
      const after = control.closest(".with-unit") || control;
      after.insertAdjacentElement("afterend", el);
      el.dataset.registryAdded = control.id;
      describedBy(control, el.id, true);
    }

    function offer(item) {
      const control = document.getElementById(item.id);
      if (!control || !offerTemplate || !canHold(control, item.value)) return;
      const el = offerTemplate.content.firstElementChild.cloneNode(true);
      el.id = "ro-" + item.id;
      el.querySelector("[data-registry-value]").textContent = item.text;
      el.querySelector("[data-registry-label]").textContent = " (" + item.label + ")";
      el.querySelector("[data-registry-use]").addEventListener("click", function () {
        describedBy(control, el.id, false);
        el.remove();
        changed(control, item.value);
        say(said.kind, said.text, (box.dataset.used || "").replace("{label}", item.label));
        control.focus();
      });
      place(control, el);
    }

    function hint(item) {
      const control = document.getElementById(item.id);
      if (!control) return;
      const p = document.createElement("p");
      p.className = "registry-hint";
      p.id = "rh-" + item.id;
      p.textContent = item.text;
      place(control, p);
    }

    function fill(item, late) {
      const control = form.elements.namedItem(item.name);
      if (!control || !control.id || !canHold(control, item.value)) return;
      if (!String(control.value || "").trim()) changed(control, item.value);
      else if (compact(control.value) !== compact(item.value)) late.push(item);
    }

    function answered(number, json) {
      clearOffers();
      if (!json || !json.status) { say("", ""); return; }  // the session is gone: autosave says so
      if (json.status !== "pending") answeredFor = number;
      say(json.status, json.message, json.detail);
      const late = [];  // typed while the registry answered: offered, never overwritten
      (json.fill || []).forEach(function (item) { fill(item, late); });
      (json.differ || []).concat(late.map(function (item) {
        const control = form.elements.namedItem(item.name);
        const label = control && form.querySelector("label[for='" + control.id + "']");
        return Object.assign({ text: item.value, label: label ? label.textContent.trim() : "" },
          item);
      })).forEach(offer);
      (json.hints || []).forEach(hint);
    }

    function lookUp(name, number) {
      const mine = ++seq;
      say("looking", box.dataset.looking || "");
      const data = new FormData(form);
      data.delete("_action");
      data.set("_lookup", name);
      fetch(box.dataset.url, {
        method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
        headers: { "X-CSRF-Token": form.dataset.csrf, "Accept": "application/json" },
      }).then(function (r) {
        if ((r.headers.get("content-type") || "").indexOf("json") < 0) throw new Error("not json");
        return r.json();
      }).then(function (json) {
        if (mine === seq) answered(number, json);
      }).catch(function () {
        if (mine === seq) say("pending", box.dataset.offline || "");  // never blocks the draft
      });
    }

    function typed(e, now) {
      const name = e.target && e.target.name;
      if (filling || !Object.prototype.hasOwnProperty.call(LENGTHS, name)) return;
      const number = compact(e.target.value);
      clearTimeout(timer);
      if (!/^\d+$/.test(number) || number.length !== LENGTHS[name] || number === answeredFor) return;
      timer = setTimeout(function () { lookUp(name, number); }, now ? 0 : 600);
    }

    form.addEventListener("input", function (e) { typed(e, false); });
    form.addEventListener("change", function (e) { typed(e, true); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.querySelector("[data-registry]");
    const form = box && box.closest("form.wizard-form");
    if (form && box.dataset.url) setup(form, box);
  });
})();
