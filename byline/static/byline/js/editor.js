/* Byline story editor: Markdown toolbar, autosave, a local safety copy, inline image upload,
   tag suggestions. Everything here is an enhancement: the form works without it. */
(function () {
  "use strict";

  const form = document.getElementById("story-form");
  if (!form) return;
  const body = form.querySelector("textarea[name=body]");
  const title = form.querySelector("input[name=title]");
  const subtitle = form.querySelector("input[name=subtitle]");
  const tagsInput = form.querySelector("input[name=tags]");
  const statusEl = document.getElementById("editor-status");
  const restoreEl = document.getElementById("editor-restore");
  const toolbar = form.querySelector(".editor-toolbar");
  const imageInput = form.querySelector("[data-editor-image]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // The version of the text this page holds; "Save" sends it too, so it must follow autosaves.
  const versionInput = form.querySelector("input[name=version]");
  const interval = parseInt(form.dataset.interval, 10) || 4000;
  let storageKey = form.dataset.storageKey;
  const serverVersion = parseInt(form.dataset.serverVersion, 10) || 0;

  let dirty = false; // typed since the last successful save to the server
  let saving = false;
  let submitting = false;
  let conflicted = false; // the server has a newer version from another window
  let inflight = null; // the autosave request on its way, if any

  document.documentElement.classList.add("js");
  if (toolbar) toolbar.hidden = false;

  function setStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.dataset.state = state || "";
  }

  function snapshot() {
    return { title: title.value, subtitle: subtitle.value, body: body.value };
  }

  // --- A local copy, so a lost connection never loses what was typed. ---
  function keepLocal() {
    try {
      const copy = snapshot();
      copy.at = Date.now();
      localStorage.setItem(storageKey, JSON.stringify(copy));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }
  function dropLocal() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }
  function restoreLocal() {
    let copy = null;
    try { copy = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { copy = null; }
    if (!copy || typeof copy.at !== "number") return;
    const current = snapshot();
    const differs = ["title", "subtitle", "body"].some((k) => (copy[k] || "") !== current[k]);
    if (copy.at <= serverVersion || !differs) { dropLocal(); return; }
    const previous = current;
    title.value = copy.title || "";
    subtitle.value = copy.subtitle || "";
    body.value = copy.body || "";
    dirty = true;
    setStatus("Restored from this browser, not saved yet", "pending");
    body.dispatchEvent(new Event("input", { bubbles: true }));
    if (restoreEl) {
      restoreEl.hidden = false;
      restoreEl.querySelector("[data-editor-discard]").addEventListener("click", function () {
        title.value = previous.title; subtitle.value = previous.subtitle; body.value = previous.body;
        dropLocal(); dirty = false; restoreEl.hidden = true;
        setStatus("Discarded the browser copy", "");
        body.dispatchEvent(new Event("input", { bubbles: true }));
      });
    }
  }

  // --- Autosave to the server every few seconds while typing. ---
  function autosave() {
    const url = form.dataset.autosaveUrl;
    if (!dirty || saving || submitting || conflicted || !url) return;
    const data = snapshot();
    if (!data.title.trim() && !data.body.trim()) return;
    saving = true;
    dirty = false;
    setStatus("Saving…", "saving");
    const payload = new FormData();
    payload.append("csrfmiddlewaretoken", csrf);
    Object.keys(data).forEach((k) => payload.append(k, data[k]));
    if (form.dataset.version) payload.append("version", form.dataset.version);
    inflight = fetch(url, {
      method: "POST",
      body: payload,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    })
      .then((response) => {
        if (response.redirected || !(response.headers.get("Content-Type") || "").includes("json")) {
          // Signed out in another tab, or the session expired: the login page answered.
          return { ok: false, json: { errors: ["please sign in again"] } };
        }
        return response.json().then((json) => ({ ok: response.ok, json: json }));
      })
      .then(({ ok, json }) => {
        if (!ok || !json.saved) {
          dirty = true;
          if (json.conflict) {
            // Saved elsewhere meanwhile: stop autosaving, keep this text for the next visit.
            conflicted = true;
            keepLocal();
          }
          const why = (json.errors && json.errors[0]) || "the server refused it";
          setStatus("Not saved: " + why + " (kept in this browser)", "error");
          return;
        }
        if (json.autosave_url && json.autosave_url !== url) {
          // The first autosave created the draft: continue on its own address.
          form.dataset.autosaveUrl = json.autosave_url;
          form.action = json.edit_url;
          const newKey = storageKey.replace(/-new$/, "-" + json.edit_url.split("/").filter(Boolean).pop());
          dropLocal();
          storageKey = newKey;
          if (window.history && history.replaceState) history.replaceState(null, "", json.edit_url);
        }
        if (json.version) {
          form.dataset.version = json.version;
          if (versionInput) versionInput.value = json.version;
        }
        if (!dirty) dropLocal();
        setStatus(json.label, "saved");
      })
      .catch(() => {
        dirty = true;
        setStatus("Offline: not saved yet, kept in this browser", "error");
      })
      .finally(() => { saving = false; inflight = null; });
  }

  let localTimer = null;
  function onEdit() {
    dirty = true;
    clearTimeout(localTimer);
    localTimer = setTimeout(keepLocal, 400);
    if (conflicted) return; // keep the conflict message on screen
    if (form.dataset.autosaveUrl) setStatus("Unsaved changes", "pending");
    else setStatus("Unsaved changes: press “Update story” to publish them", "pending");
  }
  [title, subtitle, body].forEach((el) => el.addEventListener("input", onEdit));
  setInterval(autosave, interval);

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      keepLocal();
      event.preventDefault();
      event.returnValue = "";
    }
  });
  form.addEventListener("submit", function (event) {
    const button = event.submitter;
    if (button && button.value === "preview") return;
    if (inflight) {
      // An autosave is on its way: send the form once it is back, with the version it made
      // (sent now, the form would carry the version before it and conflict with itself).
      event.preventDefault();
      inflight.finally(() => form.requestSubmit(button || undefined));
      return;
    }
    submitting = true;
  });

  // --- Toolbar: edit the selection in the textarea. ---
  function replaceSelection(before, after, placeholder) {
    const start = body.selectionStart;
    const end = body.selectionEnd;
    const selected = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + selected + after, start, end, "end");
    body.setSelectionRange(start + before.length, start + before.length + selected.length);
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function prefixLines(prefix, placeholder) {
    let start = body.selectionStart;
    const end = body.selectionEnd;
    start = body.value.lastIndexOf("\n", start - 1) + 1;
    const text = body.value.slice(start, end) || placeholder;
    const lines = text.split("\n").map((line) => prefix + line.replace(/^(#{1,6} |> |- )/, ""));
    const replacement = lines.join("\n");
    body.setRangeText(replacement, start, end, "end");
    body.setSelectionRange(start, start + replacement.length);
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  const actions = {
    heading: () => prefixLines("## ", "Heading"),
    bold: () => replaceSelection("**", "**", "bold text"),
    italic: () => replaceSelection("*", "*", "italic text"),
    link: () => {
      const start = body.selectionStart;
      const selected = body.value.slice(start, body.selectionEnd) || "link text";
      const insert = "[" + selected + "](https://)";
      body.setRangeText(insert, start, body.selectionEnd, "end");
      const urlStart = start + selected.length + 3;
      body.setSelectionRange(urlStart, urlStart + 8);
      body.focus();
      body.dispatchEvent(new Event("input", { bubbles: true }));
    },
    quote: () => prefixLines("> ", "Quote"),
    list: () => prefixLines("- ", "List item"),
    image: () => imageInput && imageInput.click(),
  };
  if (toolbar) {
    toolbar.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-md]");
      if (!button) return;
      event.preventDefault();
      const action = actions[button.dataset.md];
      if (action) action();
    });
  }

  // --- Inline images: upload, then insert ![description](url) at the cursor. ---
  if (imageInput) {
    imageInput.addEventListener("change", function () {
      const file = imageInput.files && imageInput.files[0];
      if (!file) return;
      const payload = new FormData();
      payload.append("csrfmiddlewaretoken", csrf);
      payload.append("image", file);
      setStatus("Uploading image…", "saving");
      fetch(form.dataset.uploadUrl, {
        method: "POST",
        body: payload,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      })
        .then((response) => response.json().then((json) => ({ ok: response.ok, json: json })))
        .then(({ ok, json }) => {
          if (!ok) {
            setStatus("Image not uploaded: " + ((json.errors && json.errors[0]) || "please try another file"), "error");
            return;
          }
          const start = body.selectionStart;
          const alt = "Describe the image";
          const before = start > 0 && body.value[start - 1] !== "\n" ? "\n\n" : "";
          body.setRangeText(before + "![" + alt + "](" + json.url + ")\n\n", start, body.selectionEnd, "end");
          const altStart = start + before.length + 2;
          body.setSelectionRange(altStart, altStart + alt.length);
          body.focus();
          body.dispatchEvent(new Event("input", { bubbles: true }));
          setStatus("Image inserted: describe it for readers who cannot see it", "pending");
        })
        .catch(() => setStatus("Image not uploaded: the connection failed", "error"))
        .finally(() => { imageInput.value = ""; });
    });
  }

  // --- Tag suggestions (the list arrives by htmx): a click completes the tag being typed. ---
  const suggestions = document.getElementById("tag-suggestions");
  if (suggestions && tagsInput) {
    suggestions.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-tag]");
      if (!button) return;
      const parts = tagsInput.value.split(",");
      parts[parts.length - 1] = " " + button.dataset.tag;
      tagsInput.value = parts.map((p) => p.trim()).filter(Boolean).join(", ") + ", ";
      suggestions.innerHTML = "";
      tagsInput.focus();
    });
  }

  restoreLocal();
})();
