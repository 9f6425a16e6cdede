// Comment cards in #comments-panel: one card (id comment-<id>) per unresolved comment, in document order,
// with author, quoted words, body, the suggestion with "Apply", and "Resolve" (editors only). Clicking a
// card selects its words in the editor. The panel hides itself when there is nothing to show.

import { timeElement } from "../../time.js";
import { ASSISTANT_NAME } from "./identity.js";

const MAX_QUOTE = 280;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function when(created) {
  if (!created) return null;
  const date = new Date(created * 1000);
  if (Number.isNaN(date.getTime())) return null;
  return timeElement(date, "comment-time");
}

function cardSignature(c, rights) {
  return JSON.stringify([rights.canApply, rights.canResolve, c.assistant, c.verified, c.author, c.body, c.quote, c.suggestion, c.created]);
}

/**
 * @param {{panel: HTMLElement, area: HTMLElement|null, onSelect(id), onApply(id), onResolve(id)}} options
 */
export function createCommentPanel({ panel, area, onSelect, onApply, onResolve }) {
  let cards = new Map();
  let activeId = null;
  const list = el("ol", "comment-list");
  const count = el("span", "comment-count badge", "0");
  const header = el("header", "panel-header comments-header");
  const title = el("h2", "", "Comments");
  header.append(title, count);
  panel.replaceChildren(header, list);
  panel.setAttribute("aria-label", "Comments");

  function card(comment, { canApply, canResolve }) {
    const item = el("li", "comment-item");
    const node = el("article", "comment-card");
    node.id = `comment-${comment.id}`;
    node.dataset.commentId = comment.id;
    node.tabIndex = 0;
    node.title = "Show the commented text";

    const meta = el("div", "comment-meta");
    const who = el("span", "comment-who");
    const author = el("strong", "comment-author", comment.author);
    who.append(author);
    meta.append(who);
    // The server vouches for the author (collab/comment_stamps.py); older comments it never checked.
    // The assistant's comments carry its model's name as their author.
    if (comment.assistant) {
      node.classList.add("from-assistant");
      author.textContent = ASSISTANT_NAME;
      if (comment.author) who.append(" ", el("span", "comment-author-detail", comment.author));
    }
    if (!comment.verified) {
      const badge = el("span", "comment-unverified", "unverified");
      badge.title = "Written before Canvas checked comment authors: the name was typed by whoever wrote it.";
      meta.append(badge);
    }
    const time = when(comment.created);
    if (time) meta.append(time);
    node.append(meta);

    if (comment.quote) node.append(el("blockquote", "comment-quote", clip(comment.quote, MAX_QUOTE)));
    node.append(el("p", "comment-body", comment.body));
    if (comment.suggestion !== null) {
      const box = el("div", "comment-suggestion");
      box.append(el("span", "comment-suggestion-label", "Suggested"));
      box.append(el("ins", "comment-suggestion-text", comment.suggestion || "(remove the text)"));
      node.append(box);
    }
    node.append(el("p", "comment-detached-note", "The commented text was removed."));
    if (canApply || canResolve) {
      const actions = el("div", "comment-actions");
      if (comment.suggestion !== null && canApply) {
        const apply = el("button", "button small primary comment-apply", "Apply");
        apply.type = "button";
        apply.title = "Replace the commented text with the suggestion";
        apply.addEventListener("click", (event) => {
          event.stopPropagation();
          onApply(comment.id);
        });
        actions.append(apply);
      }
      const resolve = el("button", "button small comment-resolve", "Resolve");
      resolve.type = "button";
      resolve.title = "Close this comment";
      resolve.addEventListener("click", (event) => {
        event.stopPropagation();
        onResolve(comment.id);
      });
      actions.append(resolve);
      node.append(actions);
    }
    node.addEventListener("click", () => onSelect(comment.id));
    node.addEventListener("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && event.target === node) {
        event.preventDefault();
        onSelect(comment.id);
      }
    });
    item.append(node);
    return { item, node };
  }

  function place(entry, comment) {
    const { node } = entry;
    const range = comment.range;
    const detached = !range || range.to <= range.from;
    node.classList.toggle("comment-detached", detached);
    node.classList.toggle("comment-active", comment.id === activeId);
    node.dataset.from = range ? String(range.from) : "";
    node.dataset.to = range ? String(range.to) : "";
    const apply = node.querySelector(".comment-apply");
    if (apply) apply.disabled = detached; // nothing left to replace
  }

  /** Show these comments (already in document order, each with its current range). */
  function render(comments, rights) {
    const next = new Map();
    for (const comment of comments) {
      const sig = cardSignature(comment, rights);
      const old = cards.get(comment.id);
      next.set(comment.id, old && old.sig === sig ? old : { ...card(comment, rights), sig });
    }
    cards = next;
    // Order follows the text; re-append only when it changed (keeps focus and scroll).
    const wanted = comments.map((c) => cards.get(c.id).item);
    const current = [...list.children];
    if (wanted.length !== current.length || wanted.some((item, i) => item !== current[i])) list.replaceChildren(...wanted);
    comments.forEach((c) => place(cards.get(c.id), c));
    count.textContent = String(comments.length);
    panel.hidden = comments.length === 0;
    area?.classList.toggle("has-comments", comments.length > 0);
  }

  function setActive(id) {
    activeId = id;
    cards.forEach((entry, key) => entry.node.classList.toggle("comment-active", key === id));
  }

  return { render, setActive, element: panel };
}
