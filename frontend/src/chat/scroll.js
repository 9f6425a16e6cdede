// The chat follows the newest message (on load, as messages arrive and as answers stream), unless the
// reader scrolled up to read: then new messages raise a "New messages" pill that takes them down.

/** Within this many pixels of the end counts as at the end (a line of slack). */
const AT_END_PX = 48;

export function setupChatScroll(panel) {
  const pill = panel.querySelector("#chat-new-messages");
  const list = () => panel.querySelector("#chat-messages"); // replaced whole on reconnect
  const seen = new Set(Array.from(panel.querySelectorAll("#chat-messages > li[id]"), (li) => li.id));
  let following = true;

  const atEnd = (l) => l.scrollHeight - l.scrollTop - l.clientHeight <= AT_END_PX;
  const showPill = (show) => {
    if (pill && pill.hidden === show) pill.hidden = !show;
  };

  function toEnd() {
    const l = list();
    if (!l) return;
    l.scrollTop = l.scrollHeight;
    following = true;
    showPill(false);
  }

  // Scroll events do not bubble: listen in the capture phase, so a replaced list is heard too.
  panel.addEventListener("scroll", (event) => {
    if (event.target.id !== "chat-messages") return;
    following = atEnd(event.target);
    if (following) showPill(false);
  }, true);

  new MutationObserver((mutations) => {
    let arrived = false;
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.nodeType !== 1 || !node.closest("#chat-messages")) continue;
        const items = node.matches("li[id]") ? [node] : node.querySelectorAll("li[id]");
        for (const li of items) {
          if (!seen.has(li.id)) arrived = true; // an answer updated in place is not new
          seen.add(li.id);
        }
        if (node.matches("li.chat-notice")) arrived = true;
      }
    }
    if (following) toEnd();
    else if (arrived) showPill(true);
  }).observe(panel, { childList: true, subtree: true, characterData: true });

  // Layout changes (the editor mounting beside it, fonts, the window) keep the end in view.
  const resized = new ResizeObserver(() => {
    if (following) toEnd();
  });
  resized.observe(panel);
  const form = panel.querySelector("#chat-form-slot");
  if (form) resized.observe(form);

  pill?.addEventListener("click", toEnd);
  // Sending or retrying means wanting to see what follows.
  document.addEventListener("canvas:chat-sent", toEnd);
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt?.matches?.("[data-retry-turn]")) toEnd();
  });
  toEnd();
  return { toEnd, isFollowing: () => following };
}
