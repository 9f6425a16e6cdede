// Messages are sent alike to everyone in the canvas, so they cannot carry one person's controls.
// This marks the reader's own requests (data-author-id) and the answers to them (data-asker-id);
// the stylesheet shows them "Edit and resend", and Retry and Stop (which editors see anyway).

function mark(li, userId) {
  li.classList.toggle("is-mine", li.dataset.authorId === userId);
  li.classList.toggle("asked-by-me", li.dataset.askerId === userId);
}

export function markOwnMessages(panel) {
  const userId = panel.dataset.userId;
  if (!userId) return;
  for (const li of panel.querySelectorAll("li.chat-message")) mark(li, userId);
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches("li.chat-message")) mark(node, userId);
        for (const li of node.querySelectorAll("li.chat-message")) mark(li, userId);
      }
    }
  }).observe(panel, { childList: true, subtree: true });
}
