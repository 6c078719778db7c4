// Progress of a running check: asks /r/ID/status every second and shows
// what the probe waits for, then loads the finished page. Text only ever
// goes in through textContent: what a server says is never markup here.
"use strict";
(function () {
  const main = document.getElementById("check");
  if (!main || main.dataset.state !== "running") return;
  const id = main.dataset.id;
  const now = document.getElementById("now");
  const list = document.getElementById("events");
  async function poll() {
    let snap;
    try {
      const r = await fetch("/r/" + encodeURIComponent(id) + "/status", { cache: "no-store" });
      if (!r.ok) { now.textContent = "the report is gone (" + r.status + ")"; return; }
      snap = await r.json();
    } catch (e) {
      setTimeout(poll, 2000);
      return;
    }
    if (snap.state === "done") { window.location.reload(); return; }
    now.textContent = snap.status || "working";
    list.replaceChildren(...snap.events.map(function (ev) {
      const li = document.createElement("li");
      const at = document.createElement("span");
      at.className = "at";
      at.textContent = ev.at_ms + " ms";
      li.append(at, " " + ev.msg);
      return li;
    }));
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();
