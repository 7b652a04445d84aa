// Founder pages, progressive enhancement only: every form also works without JavaScript.
// Autosave of the wizard, rows added and removed in place, live totals, uploads with progress.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  // --- money as cents (BigInt): never floats -------------------------------------------
  function toCents(text) {
    if (!text) return null;
    let s = String(text).replace(/[\s\u00a0\u202f\u2009'€%]/g, "").replace("\u2212", "-");
    const commas = (s.match(/,/g) || []).length;
    const dots = (s.match(/\./g) || []).length;
    if (commas && dots) {
      const dec = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
      s = s.split(dec === "," ? "." : ",").join("").replace(dec, ".");
    } else if ((commas > 1 || dots > 1) && /^-?\d{1,3}([.,]\d{3})+$/.test(s)) {
      s = s.replace(/[.,]/g, "");
    } else if (commas === 1) {
      s = s.replace(",", ".");
    }
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
    if (!m) return null;
    const cents = BigInt(m[2]) * 100n + BigInt((m[3] || "0").padEnd(2, "0"));
    return m[1] ? -cents : cents;
  }

  function group3(digits, sep) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  function formatCents(cents, lang) {
    const neg = cents < 0n;
    const abs = neg ? -cents : cents;
    const whole = (abs / 100n).toString();
    const dec = (abs % 100n).toString().padStart(2, "0");
    if (lang === "en") return (neg ? "-" : "") + "€" + group3(whole, ",") + "." + dec;
    return (neg ? "-" : "") + group3(whole, "\u202f") + "," + dec + "\u00a0€";
  }

  function formatShare(amount, need, lang) {
    // percent with 2 decimals, half up: amount * 10000 / need
    const num = amount * 10000n * 2n + need;
    const hundredths = num / (2n * need);
    const whole = (hundredths / 100n).toString();
    const dec = (hundredths % 100n).toString().padStart(2, "0");
    return lang === "en" ? whole + "." + dec + "%" : whole + "," + dec + "\u00a0%";
  }

  // --- lists of objects: totals and shares ------------------------------------------------
  function refreshTotals(group) {
    const key = group.dataset.totalKey;
    if (!key) return;
    const form = group.closest("form");
    const lang = (form && form.dataset.lang) || document.documentElement.lang;
    const path = group.dataset.list;
    const shareOf = group.dataset.shareOf;
    const needInput = shareOf && form ? form.elements.namedItem(shareOf) : null;
    const need = needInput ? toCents(needInput.value) : null;
    const ofNeed = lang === "en" ? " of the need" : " du besoin";
    let total = 0n;
    group.querySelectorAll(".rows input").forEach(function (input) {
      if (!input.name.startsWith(path + "[") || !input.name.endsWith("]." + key)) return;
      const cents = toCents(input.value);
      if (cents !== null) total += cents;
      if (!shareOf) return;
      const field = input.closest(".field");
      let out = field.querySelector(".share");
      if (!out) {
        out = document.createElement("p");
        out.className = "share";
        field.appendChild(out);
      }
      out.textContent = cents !== null && need ? formatShare(cents, need, lang) + ofNeed : "";
    });
    const output = group.querySelector("[data-total-for]");
    if (output) output.textContent = formatCents(total, lang);
  }

  function nextIndex(group) {
    let max = -1;
    group.querySelectorAll(".rows > fieldset.row").forEach(function (row) {
      const n = parseInt(row.dataset.row, 10);
      if (!isNaN(n) && n > max) max = n;
    });
    return max + 1;
  }

  function updateAddButton(group) {
    const button = group.querySelector("[data-add-row]");
    const count = group.querySelectorAll(".rows > fieldset.row").length;
    if (button) button.hidden = count >= parseInt(group.dataset.max || "50", 10);
  }

  function addRow(group) {
    const template = group.querySelector("template[data-row-template]");
    const rows = group.querySelector(".rows");
    if (!template || !rows) return;
    const index = nextIndex(group);
    const count = rows.querySelectorAll(":scope > fieldset.row").length;
    const html = template.innerHTML.split("__i__").join(String(index))
      .split("__n__").join(String(count + 1));
    rows.insertAdjacentHTML("beforeend", html);
    const added = rows.lastElementChild;
    updateAddButton(group);
    const first = added && added.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function removeRow(row) {
    const group = row.closest("fieldset.group");
    const form = row.closest("form");
    const rows = Array.from(group.querySelectorAll(".rows > fieldset.row"));
    const at = rows.indexOf(row);
    row.remove();
    updateAddButton(group);
    refreshTotals(group);
    const rest = group.querySelectorAll(".rows > fieldset.row");
    const target = rest[Math.min(at, rest.length - 1)];
    const focusable = target ? target.querySelector("input, select, textarea")
      : group.querySelector("[data-add-row]");
    if (focusable) focusable.focus();
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // --- inline errors from the autosave answer -------------------------------------------
  function describedBy(el, id, on) {
    const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
      .filter(function (x) { return x !== id; });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }

  function clearErrors(form) {
    form.querySelectorAll("[aria-invalid=true]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      describedBy(el, "e-" + el.id, false);
    });
    form.querySelectorAll(".field-error").forEach(function (p) {
      p.textContent = "";
      p.hidden = true;
    });
  }

  function showErrors(form, errors) {
    let placed = 0;
    errors.forEach(function (err) {
      const message = document.getElementById("e-" + err.id);
      if (!message || !form.contains(message)) return;
      message.textContent = err.message;
      message.hidden = false;
      placed += 1;
      const control = document.getElementById(err.id);
      if (control && /^(INPUT|SELECT|TEXTAREA)$/.test(control.tagName)) {
        control.setAttribute("aria-invalid", "true");
        describedBy(control, message.id, true);
      } else if (control) {
        describedBy(control, message.id, true);
      }
    });
    return placed;
  }

  function updateSteps(json) {
    const steps = json.steps || {};
    Object.keys(steps).forEach(function (key) {
      const s = steps[key];
      const bar = document.querySelector("[data-step-bar='" + key + "']");
      if (bar) { bar.max = s.required; bar.value = s.filled; }
      const count = document.querySelector("[data-step-count='" + key + "']");
      if (count && s.text) count.textContent = s.text;
    });
    if (typeof json.percent === "number") {
      const bar = document.querySelector("[data-percent-bar]");
      if (bar) { bar.value = json.percent; bar.textContent = json.percent + " %"; }
      const text = document.querySelector("[data-percent-text]");
      if (text && json.percent_text) text.textContent = "· " + json.percent_text;
    }
  }

  function updateWarnings(box, warnings) {
    if (!box || !warnings) return;
    box.textContent = "";
    box.hidden = !warnings.length;
    if (!warnings.length) return;
    const h = document.createElement("h2");
    h.textContent = box.dataset.title || "";
    const intro = document.createElement("p");
    intro.textContent = box.dataset.intro || "";
    const list = document.createElement("ul");
    warnings.forEach(function (w) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = w.href;
      a.textContent = w.label + (document.documentElement.lang === "en" ? ": " : "\u00a0: ")
        + w.message;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.append(h, intro, list);
  }

  // --- what was typed, kept in this tab while the session is gone ------------------------
  const STASH = "du-wizard:";

  function stashKey(form) { return STASH + form.dataset.autosave; }

  // `pending`: typed while the session was gone or the network down, not saved yet; a
  // pending copy outlives leaving the step and is saved by the next wizard page that loads.
  function stash(form, pending) {
    try {
      const entries = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "_action" && name !== "csrf" && typeof value === "string") {
          entries.push([name, value]);
        }
      });
      sessionStorage.setItem(stashKey(form),
        JSON.stringify({ at: Date.now(), entries: entries, pending: !!pending }));
    } catch (e) { /* storage full or off: the page still holds the values */ }
  }

  function readStash(key) {
    let kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.entries || Date.now() - kept.at > 24 * 3600 * 1000) return null;
    return kept;
  }

  function forget(key) {
    try { sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }

  function storedKeys() {
    try {
      return Object.keys(sessionStorage).filter(function (k) { return k.indexOf(STASH) === 0; });
    } catch (e) { return []; }
  }

  // Copies of steps not on this page: a pending one is saved to its step now that the session
  // is back (and forgotten once saved); any other is stale and forgotten.
  function flushStashes(csrf, here) {
    storedKeys().forEach(function (key) {
      if (here.indexOf(key) >= 0) return;
      const kept = readStash(key);
      if (!kept || !kept.pending) { forget(key); return; }
      fetch(key.slice(STASH.length), {
        method: "POST", body: new URLSearchParams(kept.entries), credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
      }).then(function (r) {
        return (r.headers.get("content-type") || "").indexOf("json") >= 0 ? r.json() : null;
      }).then(function (json) {
        if (json && json.saved) forget(key);
      }).catch(function () { /* kept for the next page */ });
    });
  }

  function ensureInput(form, name) {
    if (form.elements.namedItem(name)) return;
    const m = /^(.+)\[(\d+)\]\.[^.]+$/.exec(name);
    const group = m && form.querySelector("fieldset.group[data-list='" + m[1] + "']");
    for (let i = 0; group && i < 50 && !form.elements.namedItem(name); i += 1) {
      const before = group.querySelectorAll(".rows > fieldset.row").length;
      addRow(group);
      if (group.querySelectorAll(".rows > fieldset.row").length === before) break;
    }
  }

  function restore(form, kept) {
    if (!kept) return false;
    const byName = {};
    kept.entries.forEach(function (pair) {
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    Object.keys(byName).forEach(function (name) { ensureInput(form, name); });
    Array.from(form.elements).forEach(function (el) {
      if (!el.name || el.name === "csrf" || el.name === "_action" || !(el.name in byName)) {
        if (el.type === "checkbox" && el.name && !(el.name in byName)) el.checked = false;
        return;
      }
      const values = byName[el.name];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) >= 0;
      else el.value = values[0];
    });
    form.querySelectorAll("fieldset.group").forEach(refreshTotals);
    return true;
  }

  function cameFromLogin() {
    if (/[?&]restore=1\b/.test(window.location.search)) return true;
    try {
      const ref = new URL(document.referrer);
      return ref.origin === window.location.origin && ref.pathname === "/login";
    } catch (e) { return false; }
  }

  // --- autosave ---------------------------------------------------------------------------
  function setupAutosave(form) {
    const url = form.dataset.autosave;
    const status = form.querySelector("[data-autosave-status]");
    const warningsBox = document.querySelector("[data-warnings]");
    if (warningsBox && status) warningsBox.dataset.intro = status.dataset.warningsIntro || "";
    let timer = null;
    let busy = false;
    let again = false;
    let dirty = false;
    let expired = false;

    function say(text, failed) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("failed", !!failed);
    }

    function sayExpired() {
      if (!status) return;
      const back = window.location.pathname + "?restore=1";
      [status, document.querySelector("[data-session-banner]")].forEach(function (box) {
        if (!box) return;
        const link = document.createElement("a");
        link.href = "/login?next=" + encodeURIComponent(back) + "&expired=1";
        link.textContent = status.dataset.loginText || "";
        box.textContent = (status.dataset.expired || "") + " ";
        box.appendChild(link);
        box.hidden = false;
      });
      status.classList.add("failed");
    }

    function body() {
      const data = new FormData(form);
      data.delete("_action");
      return new URLSearchParams(data);
    }

    function timeOf(json) {
      const at = json.saved_at ? new Date(json.saved_at) : new Date();
      return at.toLocaleTimeString(document.documentElement.lang,
        { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
    }

    function answered(json) {
      clearErrors(form);
      const errors = json.errors || [];
      showErrors(form, errors);
      updateSteps(json);
      updateWarnings(warningsBox, json.warnings);
      if (json.saved) forget(stashKey(form));
      if (json.saved && json.kept) {
        const words = json.kept > 1 ? status.dataset.keptMany : status.dataset.kept;
        say((words || "").replace("{count}", json.kept).replace("{time}", timeOf(json)), true);
      } else if (errors.length) {
        const words = errors.length > 1 ? status.dataset.failedMany : status.dataset.failed;
        say((words || "").replace("{count}", errors.length), true);
      } else if (json.checked_only) {
        say(status.dataset.checked || "");
      } else if (json.saved) {
        say((status.dataset.saved || "").replace("{time}", timeOf(json)));
      } else {
        say("");
      }
    }

    function send(keepalive) {
      if (expired) { stash(form, true); return; }
      if (busy && !keepalive) { again = true; return; }
      busy = true;
      dirty = false;
      say(status ? status.dataset.saving : "");
      fetch(url, {
        method: "POST", body: body(), credentials: "same-origin", keepalive: !!keepalive,
        headers: { "X-CSRF-Token": form.dataset.csrf, "Accept": "application/json" },
      }).then(function (r) {
        const json = (r.headers.get("content-type") || "").indexOf("json") >= 0;
        if (r.status === 401 || r.status === 403 || (r.redirected && /\/login/.test(r.url))) {
          return { expired: true };
        }
        if (!json) throw new Error("not json");
        return r.json();
      }).then(function (json) {
        if (json.expired) {
          expired = true;
          stash(form, true);
          sayExpired();
          return;
        }
        answered(json);
      }).catch(function () {
        dirty = true;
        stash(form, true);
        say(status ? status.dataset.offline : "", true);
        clearTimeout(timer);
        timer = setTimeout(function () { if (dirty) send(); }, 10000);
      }).finally(function () {
        busy = false;
        if (again) { again = false; send(); }
      });
    }

    function schedule(delay) {
      dirty = true;
      if (expired) { stash(form, true); return; }
      clearTimeout(timer);
      timer = setTimeout(function () { send(); }, delay);
    }

    form.addEventListener("change", function () { schedule(400); });
    form.addEventListener("input", function (e) {
      if (e.target.matches("input[type=text], input[type=email], input[type=url], " +
                           "input[type=tel], textarea")) schedule(1500);
    });
    form.addEventListener("submit", function (e) {
      clearTimeout(timer);
      stash(form, expired);  // if the session is gone, the login brings these values back
      if (expired) {
        e.preventDefault();
        sayExpired();
        const banner = document.querySelector("[data-session-banner]");
        if (banner) banner.scrollIntoView({ block: "nearest" });
        return;
      }
      dirty = false;
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty) { clearTimeout(timer); send(true); }
    });

    const kept = readStash(stashKey(form));
    if (kept && (kept.pending || cameFromLogin()) && restore(form, kept)) {
      if (/[?&]restore=1\b/.test(window.location.search) && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.hash);
      }
      send();
    } else {
      forget(stashKey(form));
    }
  }

  // --- uploads with a progress bar ------------------------------------------------------------
  function setupUpload(form) {
    form.addEventListener("submit", function (e) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      e.preventDefault();
      const box = form.querySelector("[data-progress]");
      const bar = box && box.querySelector("progress");
      const text = box && box.querySelector("[data-progress-text]");
      const error = form.querySelector("[data-upload-error]");
      const button = form.querySelector("button[type=submit]");
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.responseType = "json";
      if (box) box.hidden = false;
      if (error) { error.hidden = true; error.textContent = ""; }
      if (button) button.disabled = true;
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable || !bar) return;
        const pct = Math.floor(ev.loaded * 100 / ev.total);
        bar.value = pct;
        if (text) text.textContent = pct + " %";
      });
      xhr.addEventListener("load", function () {
        const json = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300 && json.next) {
          if (bar) bar.value = 100;
          window.location.assign(json.next);
          return;
        }
        if (button) button.disabled = false;
        if (box) box.hidden = true;
        if (error) {
          error.textContent = json.error || error.dataset.failed || "Échec de l'envoi.";
          error.hidden = false;
        }
      });
      xhr.addEventListener("error", function () {
        if (button) button.disabled = false;
        if (box) box.hidden = true;
        if (error) { error.textContent = "Échec de l'envoi."; error.hidden = false; }
      });
      xhr.send(new FormData(form));
    });
  }

  // --- partners: the request fields show when the partner is chosen -----------------------
  function setupChoose(box) {
    const card = box.closest(".partner-card");
    const fields = card && card.querySelector(".request-fields");
    const consent = card && card.querySelector(".consent-line");
    function sync() {
      if (fields) fields.classList.toggle("off", !box.checked);
      if (consent) consent.classList.toggle("off", !box.checked);
      if (card) card.classList.toggle("chosen", box.checked);
    }
    box.addEventListener("change", sync);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.wizard-form").forEach(function (form) {
      form.addEventListener("click", function (e) {
        const add = e.target.closest("[data-add-row]");
        const remove = e.target.closest("[data-remove-row]");
        if (add) { e.preventDefault(); addRow(add.closest("fieldset.group")); }
        else if (remove) { e.preventDefault(); removeRow(remove.closest("fieldset.row")); }
      });
      form.addEventListener("input", function (e) {
        const group = e.target.closest("fieldset.group");
        if (group) refreshTotals(group);
        else form.querySelectorAll("fieldset.group[data-share-of]").forEach(refreshTotals);
      });
      if (form.dataset.autosave) setupAutosave(form);
    });
    const token = document.querySelector("input[name=csrf]");  // logged in: the header's
    if (token) {
      flushStashes(token.value, Array.from(document.querySelectorAll("form[data-autosave]"))
        .map(stashKey));
    }
    document.querySelectorAll("form[data-upload]").forEach(setupUpload);
    document.querySelectorAll("input[data-choose]").forEach(setupChoose);
    const summary = document.querySelector(".error-summary[tabindex]");
    if (summary) summary.focus();
  });
})();
