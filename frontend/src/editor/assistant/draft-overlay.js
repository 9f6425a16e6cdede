// Draft overlay: while the assistant streams a full rewrite into Y.Text("draft"), everyone watches it in a
// read-only panel (#draft-overlay) over the editor, "✦ Assistant is rewriting…", following the end of
// the text as it grows; the panel goes away when the draft empties (the rewrite landed on "content").
import { ASSISTANT_NAME, modelOf } from "./identity.js";

/** The model of the assistant peer present in awareness ("" when none says). */
export function assistantModel(awareness) {
  for (const state of awareness.getStates().values()) {
    const user = state && state.user;
    if (user && user.isAssistant) return modelOf(user);
  }
  return "";
}

export function setupDraftOverlay({ overlay, ydoc, awareness }) {
  if (!overlay) return () => {};
  const draft = ydoc.getText("draft");
  overlay.classList.add("draft-overlay");
  overlay.setAttribute("role", "region");

  const header = document.createElement("div");
  header.className = "draft-header";
  const title = document.createElement("span");
  title.className = "draft-title";
  const spinner = document.createElement("span");
  spinner.className = "draft-spinner";
  spinner.setAttribute("aria-hidden", "true");
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "link small draft-toggle";
  toggle.textContent = "Hide";
  const detail = document.createElement("span");
  detail.className = "draft-detail";
  header.append(spinner, title, detail, toggle);
  const body = document.createElement("pre");
  body.className = "draft-text";
  body.setAttribute("aria-live", "off");
  body.tabIndex = 0;
  overlay.replaceChildren(header, body);

  let followEnd = true;
  body.addEventListener("scroll", () => {
    followEnd = body.scrollHeight - body.scrollTop - body.clientHeight < 24;
  });
  toggle.addEventListener("click", () => {
    const collapsed = overlay.classList.toggle("draft-collapsed");
    toggle.textContent = collapsed ? "Show" : "Hide";
  });

  let frame = 0;
  const render = () => {
    frame = 0;
    const text = draft.toString();
    const active = text.length > 0;
    if (!active) {
      overlay.hidden = true;
      body.textContent = "";
      followEnd = true;
      overlay.classList.remove("draft-collapsed");
      toggle.textContent = "Hide";
      return;
    }
    const model = assistantModel(awareness);
    const label = `${ASSISTANT_NAME} is rewriting…`;
    if (title.textContent !== label) title.textContent = label;
    if (detail.textContent !== model) detail.textContent = model;
    overlay.setAttribute("aria-label", model ? `${label} (${model})` : label);
    body.textContent = text;
    overlay.hidden = false;
    if (followEnd) body.scrollTop = body.scrollHeight;
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(render);
  };
  // Hidden tabs get no animation frames: render at once when the draft empties or appears.
  const onDraft = () => {
    if (document.hidden) render();
    else schedule();
  };
  draft.observe(onDraft);
  const onAwareness = () => {
    if (!overlay.hidden) schedule();
  };
  awareness.on("change", onAwareness);
  render();

  return () => {
    draft.unobserve(onDraft);
    awareness.off("change", onAwareness);
    cancelAnimationFrame(frame);
  };
}
