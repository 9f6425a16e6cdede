// One identity for the assistant everywhere (chat, comment cards, the draft panel, presence):
// "✦ Assistant", with the model's name as a detail beside it. The chat says it on the server
// (templates/canvas/_message.html); the assistant's awareness state carries both (canvas/assistant/peer.py).

export const ASSISTANT_NAME = "✦ Assistant";

/** The model behind an assistant's awareness user (older states only had it as their name). */
export function modelOf(user) {
  if (!user || typeof user !== "object") return "";
  if (typeof user.model === "string") return user.model;
  return typeof user.name === "string" && user.name !== ASSISTANT_NAME ? user.name : "";
}

/** "✦ Assistant" and a muted detail (the model), as two elements to append. */
export function identityNodes(model, className = "assistant-identity") {
  const name = document.createElement("strong");
  name.className = `${className}-name`;
  name.textContent = ASSISTANT_NAME;
  if (!model) return [name];
  const detail = document.createElement("span");
  detail.className = `${className}-detail`;
  detail.textContent = model;
  return [name, document.createTextNode(" "), detail];
}

/** The same as one line of text: "✦ Assistant · gpt-4.1". */
export function identityText(model) {
  return model ? `${ASSISTANT_NAME} · ${model}` : ASSISTANT_NAME;
}
