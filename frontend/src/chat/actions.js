// What people do with a message: copy a code block of a reply, edit and resend their own request.
// Delegated listeners: messages arrive over the chat socket, and the CSP allows no inline handlers.

export function setupMessageActions({ notify, setChatSelection }) {
  document.addEventListener("click", (event) => {
    const copy = event.target.closest("[data-copy-code]");
    if (copy) copyCode(copy, notify);
    const resend = event.target.closest("[data-edit-resend]");
    if (resend) editAndResend(resend, setChatSelection);
  });
}

async function copyCode(button, notify) {
  const code = button.closest(".code-block")?.querySelector("pre");
  if (!code) return;
  try {
    await navigator.clipboard.writeText(code.textContent);
    button.textContent = "Copied";
    button.classList.add("is-done");
    setTimeout(() => {
      button.textContent = "Copy";
      button.classList.remove("is-done");
    }, 1500);
  } catch {
    // No clipboard (an insecure origin, a refused permission): select it for Ctrl+C.
    const range = document.createRange();
    range.selectNodeContents(code);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    notify("Press Ctrl+C to copy the selected code.");
  }
}

/** Put one's own request back in the chat box (with its selection), to change and send again. */
function editAndResend(button, setChatSelection) {
  const box = document.getElementById("chat-text");
  if (!box || box.disabled) return;
  box.value = button.dataset.text || "";
  let selection = null;
  try {
    selection = button.dataset.selection ? JSON.parse(button.dataset.selection) : null;
  } catch {
    selection = null;
  }
  setChatSelection(selection);
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}
