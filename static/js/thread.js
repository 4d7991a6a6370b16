// The message thread. htmx fetches messages into the hidden #thread-incoming (a send, a poll,
// "Show older"); this places each one in #thread-messages by (created, id): a message already
// on the page is replaced only when its version changed (so an open edit form survives the
// overlapping polls), a new one is inserted where it belongs. It also keeps the view at the
// newest message, tells screen readers about new ones, and retires the edit and delete
// controls when the edit window closes.
(() => {
  "use strict";

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
    if (event.detail.elt.id === "thread-poll" && document.visibilityState !== "visible") {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", () => {
    const poll = document.getElementById("thread-poll");
    if (poll && document.visibilityState === "visible") htmx.trigger(poll, "thread-visible");
  });
  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("thread-scroll");
    if (!box) return;
    if (!location.hash && !new URLSearchParams(location.search).has("before")) {
      box.scrollTop = box.scrollHeight;
    }
    setInterval(retireExpired, 5000);
  });
})();
