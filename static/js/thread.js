// The message thread. htmx fetches messages into the hidden #thread-incoming (a send, a poll,
// "Show older"); this places each one in #thread-messages by (created, id): a message already
// on the page is replaced only when its version changed (so an open edit form survives the
// overlapping polls), a new one is inserted where it belongs. It also keeps the view at the
// newest message, tells screen readers about new ones, and retires the edit and delete
// controls when the edit window closes.
//
// A quiet thread polls less: htmx asks every 3 s, but when no message came or went and nobody
// typed for QUIET_AFTER, only one poll in QUIET_EVERY goes out. A partner's message in a quiet
// thread then shows within 15 s instead of 3, and the thread is lively again at once: each
// message, sent or received, and each keystroke in the form brings back the 3-second poll.
// Most open threads are quiet (mentoring messages are asynchronous), so the server answers
// about a fifth of the polls it did (issue 16: bench.load's Locust personas poll the same way).
(() => {
  "use strict";

  const QUIET_AFTER = 120_000; // ms without a message or a keystroke: the thread is quiet
  const QUIET_EVERY = 15_000; // ms between the polls of a quiet thread
  let lastActivity = -Infinity; // performance.now() of the last message or keystroke
  let lastPoll = -Infinity;
  const lively = () => {
    lastActivity = performance.now();
  };

  const isBefore = (a, b) => {
    const ka = Number(a.dataset.key);
    const kb = Number(b.dataset.key);
    return ka < kb || (ka === kb && Number(a.dataset.pk) < Number(b.dataset.pk));
  };

  const nearBottom = (box) => box.scrollHeight - box.scrollTop - box.clientHeight < 80;

  // Returns true when the item is new on the page.
  const place = (list, item, batch) => {
    const existing = list.querySelector(`#${CSS.escape(item.id)}`); // not the incoming copy
    if (existing) {
      if (existing.dataset.version !== item.dataset.version) existing.replaceWith(item);
      return false;
    }
    // A change to a message older than the loaded page waits for "Show older" to bring it.
    const first = list.firstElementChild;
    if (batch === "poll" && first && isBefore(item, first) && document.querySelector("#thread-older a")) {
      return false;
    }
    let next = null;
    for (let el = list.lastElementChild; el && isBefore(item, el); el = el.previousElementSibling) {
      next = el;
    }
    list.insertBefore(item, next);
    return true;
  };

  const announce = (list, items) => {
    const status = document.getElementById("thread-status");
    const theirs = items.filter((item) => item.dataset.from);
    if (!status || !theirs.length) return;
    status.textContent = `${list.dataset.newFrom} ${theirs[theirs.length - 1].dataset.from}`;
  };

  const drain = () => {
    const incoming = document.getElementById("thread-incoming");
    const list = document.getElementById("thread-messages");
    const box = document.getElementById("thread-scroll");
    if (!incoming || !list || !box || !incoming.firstElementChild) return;
    for (const batch of incoming.querySelectorAll("[data-thread-batch]")) {
      const kind = batch.dataset.threadBatch;
      const stayAtBottom = nearBottom(box);
      const fromBottom = box.scrollHeight - box.scrollTop;
      const added = [...batch.querySelectorAll(":scope > .thread-message")].filter((item) =>
        place(list, item, kind),
      );
      if (!added.length) continue;
      if (kind !== "older") lively();
      document.getElementById("thread-empty")?.remove();
      if (kind === "older") {
        box.scrollTop = box.scrollHeight - fromBottom; // the messages read so far stay put
        added[added.length - 1].focus({ preventScroll: true });
      } else {
        if (kind === "sent" || stayAtBottom) box.scrollTop = box.scrollHeight;
        if (kind === "poll") announce(list, added);
      }
    }
    incoming.replaceChildren();
  };

  const retireExpired = () => {
    const now = Date.now() / 1000;
    for (const item of document.querySelectorAll("#thread-messages [data-editable-until]")) {
      if (Number(item.dataset.editableUntil) > now) continue;
      if (item.querySelector(".message-actions details[open]")) continue; // mid-edit: let the server say
      item.querySelector(".message-actions")?.remove();
      item.removeAttribute("data-editable-until");
    }
  };

  document.addEventListener("htmx:load", drain);
  document.addEventListener("htmx:afterSettle", drain);
  // Poll only while the tab is visible, and at once when it becomes visible again. (In JS
  // here, not as an hx-trigger filter: htmx evaluates those as strings, which the
  // Content-Security-Policy refuses.)
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt.id !== "thread-poll") return;
    const now = performance.now();
    const quiet = now - lastActivity > QUIET_AFTER;
    if (document.visibilityState !== "visible" || (quiet && now - lastPoll < QUIET_EVERY)) {
      event.preventDefault();
      return;
    }
    lastPoll = now;
  });
  document.addEventListener("visibilitychange", () => {
    const poll = document.getElementById("thread-poll");
    if (poll && document.visibilityState === "visible") {
      lastPoll = -Infinity; // back on the tab: ask at once, quiet or not
      htmx.trigger(poll, "thread-visible");
    }
  });
  document.addEventListener("input", (event) => {
    if (event.target.closest?.("#thread")) lively();
  });
  document.addEventListener("DOMContentLoaded", () => {
    // Lively from the start when the newest message is recent. Both times are the server's
    // (microseconds): the page's cursor is when it was made, so the client's clock is not used.
    const cursor = Number(document.getElementById("thread-cursor")?.value);
    const keys = [...document.querySelectorAll("#thread-messages > .thread-message")].map((item) =>
      Number(item.dataset.key),
    );
    if (cursor && keys.length) lastActivity = performance.now() - (cursor - Math.max(...keys)) / 1000;
    const box = document.getElementById("thread-scroll");
    if (!box) return;
    if (!location.hash && !new URLSearchParams(location.search).has("before")) {
      box.scrollTop = box.scrollHeight;
    }
    setInterval(retireExpired, 5000);
  });
})();
